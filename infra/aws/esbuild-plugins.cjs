/* global module, __dirname, require */
// esbuild plugins of the Lambda bundles: serverless.yml (custom.esbuild.plugins) and bench/bundles.ts load this
// file, so the benchmark measures exactly what ships.
'use strict';

// serverless-esbuild loads plugins with require(), so this file is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readFileSync } = require('node:fs');

/**
 * Rewrites exact snippets of a third-party file as it is loaded. Each snippet must be found, so a dependency update
 * that changes the code fails the build here instead of silently shipping the unpatched file.
 */
function patchFile(path, replacements, name) {
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${name}: ${path} no longer contains ${JSON.stringify(from.slice(0, 60))}; review the plugin`);
    text = text.replace(from, to);
  }
  return text;
}

/** A module that replaces an unused dependency: importing it works, calling it fails loudly. */
function stubModule(name, filter, contents) {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: name }));
      build.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js' }));
    },
  };
}

/**
 * `import { z } from 'zod'` reads zod's `z`, a namespace re-exported as a value: esbuild then keeps every export of
 * zod (toJSONSchema, fromJSONSchema, z.compile, every format, …), ~100 KB of the minified bundle compiled at each
 * cold start. `import * as z from 'zod'` (the form zod's own docs use) names the same bindings, and esbuild keeps
 * only the `z.x` that are read. Our sources keep the named form (tests and the local runtime do not care); only
 * the exact line is rewritten, so anything else imported from zod is left alone.
 */
const zodNamespaceImport = {
  name: 'zod-namespace-import',
  setup(build) {
    build.onLoad({ filter: /[\\/]functions[\\/].*\.ts$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const line = "import { z } from 'zod';";
      if (!text.includes(line)) return undefined;
      return { contents: text.replace(line, "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

/**
 * zod 4 re-exports every one of its ~50 error-message locales (`z.locales.*`) from its main entry, and esbuild
 * cannot drop them from a namespace re-export: about 300 KB of the minified bundle. pooler-watch never calls
 * `z.config(z.locales.xx())`, and zod itself configures English by importing `locales/en.js` directly, so the
 * locale index is replaced by one that exports English only. Nothing else changes.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: 'js',
    }));
  },
};

/**
 * zod compiles each object schema into a `new Function` on its first parse. That pays off over thousands of
 * parses; a Lambda cold start parses its config once (plus the module-level `X.parse({})` defaults, at import) and a
 * handful of events, so the compilation is pure cold-start cost (~9 ms of the probe's). zod's `jitless` setting
 * turns it off (same results, interpreted path); it is read as each schema is built, so it is set where zod creates
 * its global config, before any schema exists, i.e. `z.config({ jitless: true })` ahead of everything.
 */
const zodJitless = {
  name: 'zod-jitless',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]core\.js$/ }, (args) => ({
      contents: patchFile(
        args.path,
        [['(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});', '(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = { jitless: true });']],
        'zod-jitless',
      ),
      loader: 'js',
    }));
  },
};

/**
 * axios' Node build imports form-data (and through it mime-types, mime-db's 130 KB table, combined-stream and the
 * get-intrinsic family) only to build multipart bodies. No channel and no scrape sends a form (they post JSON or
 * GET), so form-data is replaced by a class that throws if that ever changes.
 */
const formDataUnused = stubModule(
  'form-data-unused',
  /^form-data$/,
  'export default class FormData { constructor() { throw new Error("form-data is not bundled (no multipart bodies on Lambda)"); } }\n',
);

/**
 * axios (fetch adapter probe) and its helpers touch the globals `fetch`, `Request`, `ReadableStream` and `FormData`
 * at import; in Node each of them loads undici, Node's fetch implementation (~13 ms of a cold start), although
 * axios picks its `http` adapter on Node and never uses fetch. The fetch adapter is replaced by "not available"
 * (what axios reports where fetch is missing), and the FormData `instanceof` test runs only for values that look
 * like a form (the cheap checks first), so a JSON body never reaches the global. `http2`, used only for requests
 * with `httpVersion: 2`, is loaded on first use instead of at import.
 */
const axiosNodeOnly = {
  name: 'axios-node-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]adapters[\\/]fetch\.js$/ }, () => ({
      contents: 'export const getFetch = () => false;\nexport default false;\n',
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]axios[\\/]lib[\\/]utils\.js$/ }, (args) => ({
      contents: patchFile(
        args.path,
        [
          ["const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;\n", ''],
          ['  if (FormDataCtor && thing instanceof FormDataCtor) return true;\n', ''],
          [
            '  if (!isFunction(thing.append)) return false;\n',
            "  if (!isFunction(thing.append)) return false;\n  if (typeof G.FormData !== 'undefined' && thing instanceof G.FormData) return true;\n",
          ],
        ],
        'axios-node-only',
      ),
      loader: 'js',
    }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]axios[\\/]lib[\\/](adapters[\\/]http|helpers[\\/]Http2Sessions)\.js$/ }, (args) => ({
      contents: patchFile(
        args.path,
        [["import http2 from 'http2';", "const http2 = { get constants() { return process.getBuiltinModule('node:http2').constants; }, connect: (...a) => process.getBuiltinModule('node:http2').connect(...a) };"]],
        'axios-node-only',
      ),
      loader: 'js',
    }));
  },
};

/**
 * `debug` (required by follow-redirects, agent-base and https-proxy-agent) reads the DEBUG variable, probes the TTY
 * and loads supports-color at import, to print nothing on Lambda. Replaced by a logger that is always disabled.
 */
const debugDisabled = stubModule(
  'debug-disabled',
  /^debug$/,
  'const noop = () => {};\nconst debug = () => Object.assign(noop, { enabled: false, extend: () => noop });\nexport default debug;\n',
);

/**
 * @middy/core imports `ReadableStream` from node:stream/web for streamed responses only; that import loads Node's
 * whole web-streams implementation at every cold start. The global `ReadableStream` is the same class, and Node
 * loads it only when it is touched, i.e. on the streaming path, which our handlers never take.
 */
const middyStreamsOnDemand = {
  name: 'middy-streams-on-demand',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@middy[\\/]core[\\/]index\.js$/ }, (args) => ({
      contents: patchFile(args.path, [['import { ReadableStream } from "node:stream/web";\n', '']], 'middy-streams-on-demand'),
      loader: 'js',
    }));
  },
};

/**
 * The SSM client registers every one of SSM's ~140 error classes (and their schemas) at import: ~40 KB for the one
 * GetParameter call we make. Only the errors kept below are registered; any other error still arrives as an
 * SSMServiceException carrying its AWS name (the SDK's fallback for unknown errors), which is all our code reads.
 */
const SSM_ERRORS_KEPT = new Set(['SSMServiceException', 'ParameterNotFound', 'ParameterVersionNotFound', 'InvalidKeyId', 'InternalServerError', 'ThrottlingException']);
const ssmErrorsUsed = {
  name: 'ssm-errors-used',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/]client-ssm[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, (args) => {
      let registered = 0;
      const contents = readFileSync(args.path, 'utf8').replace(/^\w+_registry\.registerError\(\w+\$, (\w+)\);$/gm, (line, name) => {
        registered += 1;
        return SSM_ERRORS_KEPT.has(name) ? line : '';
      });
      if (registered < SSM_ERRORS_KEPT.size) throw new Error(`ssm-errors-used: ${args.path} changed shape; review the plugin`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * `@aws-sdk/core` reaches bowser (a 34 KB browser user-agent parser) through a dynamic `import()` in its browser
 * user-agent provider, which the Node runtime config never calls: esbuild drops the code but still emits the
 * chunk of a dynamic import (it splits before it tree-shakes). Nothing in a Node bundle imports that chunk, so
 * bowser is replaced by a stub that fails loudly if that ever changes.
 */
const bowserUnused = {
  name: 'bowser-unused',
  setup(build) {
    build.onResolve({ filter: /^bowser$/ }, () => ({ path: 'bowser', namespace: 'bowser-unused' }));
    build.onLoad({ filter: /.*/, namespace: 'bowser-unused' }, () => ({
      contents: 'const unused = () => { throw new Error("bowser is not bundled (browser-only user agent parsing)"); };\n' +
        'export default { parse: unused, getParser: unused };\n',
      loader: 'js',
    }));
  },
};

/**
 * Inside Lambda the SDK always finds its credentials in the environment (the execution role's AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN). The default Node chain also bundles the SSO, profile-file, process,
 * web-identity and container/IMDS providers (~80 KB, loaded at cold start) that can never be reached there, so the
 * chain is replaced by the environment provider alone. Local runs and tests do not use these bundles.
 */
const lambdaEnvCredentials = {
  name: 'lambda-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'lambda-env-credentials', namespace: 'lambda-env-credentials' }));
    build.onLoad({ filter: /.*/, namespace: 'lambda-env-credentials' }, () => ({
      contents:
        'import { fromEnv } from "@aws-sdk/credential-provider-env";\n' +
        'export const defaultProvider = (init = {}) => fromEnv(init);\n' +
        'export const credentialsWillNeedRefresh = (c) => c?.expiration !== undefined;\n' +
        'export const credentialsTreatedAsExpired = (c) => c?.expiration !== undefined && c.expiration.getTime() - Date.now() < 300000;\n',
      loader: 'js',
      resolveDir: __dirname,
    }));
  },
};

/**
 * serverless-esbuild builds every function into one directory and zips, per function, everything in it except the
 * other functions' entry files (`functions/<name>.*`): with one shared `chunks/` folder each zip carried all the
 * functions' chunks. Each function's chunks go to `<entry>.chunks/` instead, which that rule keeps out of the
 * other zips, so a zip holds its own entry and chunks only (what bench/bundles.ts measures).
 */
const chunksPerFunction = {
  name: 'chunks-per-function',
  setup(build) {
    const entries = build.initialOptions.entryPoints;
    const list = Array.isArray(entries) ? entries : Object.values(entries ?? {});
    if (list.length !== 1) return;
    const entry = typeof list[0] === 'string' ? list[0] : list[0].in;
    const base = entry.slice(entry.replace(/\\/g, '/').lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
    build.initialOptions.chunkNames = `${base}.chunks/[name]-[hash]`;
  },
};

module.exports = [
  zodNamespaceImport,
  zodEnglishOnly,
  zodJitless,
  formDataUnused,
  axiosNodeOnly,
  debugDisabled,
  middyStreamsOnDemand,
  ssmErrorsUsed,
  bowserUnused,
  lambdaEnvCredentials,
  chunksPerFunction,
];
