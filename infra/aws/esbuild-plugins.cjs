/* global module, __dirname, require, process */
// esbuild plugins of the Lambda bundles: serverless.yml (custom.esbuild.plugins) and bench/bundles.ts load this
// file, so the benchmark measures exactly what ships.
'use strict';

// serverless-esbuild loads plugins with require(), so this file is CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readFileSync, writeFileSync } = require('node:fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isBuiltin } = require('node:module');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolve } = require('node:path');

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

/** Loads the files matching `filter` with {@link patchFile}'s `replacements` applied. */
function patchOnLoad(build, filter, replacements, name) {
  build.onLoad({ filter }, (args) => ({ contents: patchFile(args.path, replacements, name), loader: 'js' }));
}

/** A plugin that only patches the files matching `filter`. */
function patchModule(name, filter, replacements) {
  return { name, setup: (build) => patchOnLoad(build, filter, replacements, name) };
}

/**
 * A module that replaces an unused dependency: importing it works, calling it fails loudly. `resolveDir` lets the
 * stub import packages itself.
 */
function stubModule(name, filter, contents, resolveDir) {
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: name }));
      build.onLoad({ filter: /.*/, namespace: name }, () => ({ contents, loader: 'js', ...(resolveDir ? { resolveDir } : {}) }));
    },
  };
}

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
const zodJitless = patchModule('zod-jitless', /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/]core\.js$/, [
  ['(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});', '(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = { jitless: true });'],
]);

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
 * axios' http adapter imports https-proxy-agent (with agent-base) and proxy-from-env to honour a `proxy` option or
 * the HTTP(S)_PROXY variables. Every request we make passes `proxy: false` (a proxy would see bearer tokens and
 * webhook URLs), with which axios calls neither: both are replaced by stubs that throw if that ever changes.
 */
const httpsProxyAgentUnused = stubModule(
  'https-proxy-agent-unused',
  /^https-proxy-agent$/,
  'export default class HttpsProxyAgent { constructor() { throw new Error("https-proxy-agent is not bundled (requests pass proxy: false)"); } }\n',
);
const proxyFromEnvUnused = stubModule(
  'proxy-from-env-unused',
  /^proxy-from-env$/,
  'export const getProxyForUrl = () => { throw new Error("proxy-from-env is not bundled (requests pass proxy: false)"); };\n',
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
    patchOnLoad(
      build,
      /[\\/]node_modules[\\/]axios[\\/]lib[\\/]utils\.js$/,
      [
        ["const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;\n", ''],
        ['  if (FormDataCtor && thing instanceof FormDataCtor) return true;\n', ''],
        [
          '  if (!isFunction(thing.append)) return false;\n',
          "  if (!isFunction(thing.append)) return false;\n  if (typeof G.FormData !== 'undefined' && thing instanceof G.FormData) return true;\n",
        ],
      ],
      'axios-node-only',
    );
    patchOnLoad(
      build,
      /[\\/]node_modules[\\/]axios[\\/]lib[\\/](adapters[\\/]http|helpers[\\/]Http2Sessions)\.js$/,
      [["import http2 from 'http2';", "const http2 = { get constants() { return process.getBuiltinModule('node:http2').constants; }, connect: (...a) => process.getBuiltinModule('node:http2').connect(...a) };"]],
      'axios-node-only',
    );
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
const middyStreamsOnDemand = patchModule('middy-streams-on-demand', /[\\/]node_modules[\\/]@middy[\\/]core[\\/]index\.js$/, [
  ['import { ReadableStream } from "node:stream/web";\n', ''],
]);

/**
 * Each SDK client registers every one of its service's error classes (and their schemas) at import: SSM ~140, for
 * the one GetParameter call we make; DynamoDB 36, CloudWatch 20. Only the errors kept below are registered; any
 * other error still arrives as the client's ServiceException carrying its AWS name (the SDK's fallback for unknown
 * errors), which is all our code reads (`err.name`), and the SDK's retries classify throttling and transient errors
 * by that name and the HTTP status. Each dropped error's schema goes with its registration: esbuild cannot drop an
 * unused schema by itself (its object literal has computed keys, which it treats as side effects), and the error
 * class then goes too. ~30 KB of every bundle.
 */
const AWS_ERRORS_KEPT = {
  'client-ssm': ['SSMServiceException', 'ParameterNotFound', 'ParameterVersionNotFound', 'InvalidKeyId', 'InternalServerError', 'ThrottlingException'],
  'client-dynamodb': [
    'DynamoDBServiceException',
    'ConditionalCheckFailedException',
    'TransactionCanceledException',
    'TransactionConflictException',
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'ThrottlingException',
    'ReplicatedWriteConflictException',
    'ItemCollectionSizeLimitExceededException',
    'LimitExceededException',
    'InternalServerError',
    'ResourceNotFoundException',
    'InvalidEndpointException',
  ],
  'client-cloudwatch': ['CloudWatchServiceException', 'InternalServiceFault', 'InvalidParameterValueException', 'InvalidParameterCombinationException', 'MissingRequiredParameterException', 'LimitExceededFault', 'LimitExceededException'],
};
const awsErrorsUsed = {
  name: 'aws-errors-used',
  setup(build) {
    const clients = Object.keys(AWS_ERRORS_KEPT).join('|');
    const filter = new RegExp(`[\\\\/]node_modules[\\\\/]@aws-sdk[\\\\/](${clients})[\\\\/]dist-es[\\\\/]schemas[\\\\/]schemas_0\\.js$`);
    build.onLoad({ filter }, (args) => {
      const kept = new Set(AWS_ERRORS_KEPT[filter.exec(args.path)[1]]);
      const text = readFileSync(args.path, 'utf8');
      const error = /^export var (\w+)\$ = \[-3,[^;]*?\];\n\w+_registry\.registerError\(\1\$, \1\);\n/gm;
      let registered = 0;
      const found = new Set();
      const contents = text.replace(error, (block, name) => {
        registered += 1;
        if (!kept.has(name)) return '';
        found.add(name);
        return block;
      });
      // Every registration must have been recognised, and every kept error found: else the file changed shape.
      if (registered !== (text.match(/registerError\(/g) ?? []).length || found.size !== kept.size) {
        throw new Error(`aws-errors-used: ${args.path} changed shape; review the plugin`);
      }
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
const bowserUnused = stubModule(
  'bowser-unused',
  /^bowser$/,
  'const unused = () => { throw new Error("bowser is not bundled (browser-only user agent parsing)"); };\n' +
    'export default { parse: unused, getParser: unused };\n',
);

/**
 * The SDK's HTTP protocols load `@smithy/core/event-streams` with `import()` only for an operation with an event
 * stream member, and none of ours has one (GetParameter, GetSecretValue, DynamoDB items, PutMetricData,
 * SendMessageBatch). As a dynamic import it still made esbuild split the SDK code it shares with the rest of the
 * bundle into two more chunk files, loaded at every cold start; it is replaced by a stub that fails loudly if an
 * event stream is ever used.
 */
const eventStreamsUnused = stubModule(
  'event-streams-unused',
  /^@smithy\/core\/event-streams$/,
  'const unused = () => { throw new Error("@smithy/core/event-streams is not bundled (no event stream operations)"); };\n' +
    'export class EventStreamSerde { constructor() { unused(); } }\nexport const eventStreamSerdeProvider = unused;\n',
);

/**
 * Inside Lambda the SDK always finds its credentials in the environment (the execution role's AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN). The default Node chain also bundles the SSO, profile-file, process,
 * web-identity and container/IMDS providers (~80 KB, loaded at cold start) that can never be reached there, so the
 * chain is replaced by the environment provider alone. Local runs and tests do not use these bundles.
 */
const lambdaEnvCredentials = stubModule(
  'lambda-env-credentials',
  /^@aws-sdk\/credential-provider-node$/,
  'import { fromEnv } from "@aws-sdk/credential-provider-env";\n' +
    'export const defaultProvider = (init = {}) => fromEnv(init);\n' +
    'export const credentialsWillNeedRefresh = (c) => c?.expiration !== undefined;\n' +
    'export const credentialsTreatedAsExpired = (c) => c?.expiration !== undefined && c.expiration.getTime() - Date.now() < 300000;\n',
  __dirname,
);

/**
 * Node's ESM loader gives a built-in module (`import { createHash } from "node:crypto"`) a module namespace holding
 * every export, so it reads each lazy getter of the module at import: `crypto.webcrypto`, `util.parseArgs` and
 * `util.MIMEType`, `process.report`, `net.BlockList`, `fs.ReadStream`, `timers.promises`, … each loads one more of
 * Node's internal modules that no invocation uses (~3 ms of the probe's cold start). The bundles' import
 * statements of built-ins (the SDK's, axios', ours) are rewritten after the build into
 * `const { createHash } = process.getBuiltinModule("node:crypto")`, which loads the same module and reads only the
 * names used. The constants go to the top of their file, where the hoisted import bindings were available.
 * Namespace imports (`import * as`) are left as they are: their `default` member has no CommonJS equivalent.
 */
const BUILTIN_IMPORT = /(?<=^|[;}\n])import\s*(?:([\w$]+)\s*(?:,\s*)?)?(?:\{([^}]*)\})?\s*(?:from\s*)?"([^"]+)";?/g;
function rewriteBuiltinImports(text) {
  const hoisted = [];
  const out = text.replace(BUILTIN_IMPORT, (all, defaultName, named, specifier) => {
    if (!isBuiltin(specifier) || specifier === 'node:module' || specifier === 'module') return all;
    if (defaultName === undefined && named === undefined && /\bfrom\s*"/.test(all)) return all;
    const id = JSON.stringify(specifier.startsWith('node:') ? specifier : `node:${specifier}`);
    const load = `process.getBuiltinModule(${id})`;
    const bindings = (named ?? '').split(',').map((b) => b.trim()).filter(Boolean).map((b) => b.split(/\s+as\s+/));
    const local = defaultName ?? bindings.find(([name]) => name === 'default')?.[1];
    if (local !== undefined) hoisted.push(`const ${local}=${load};`);
    const props = bindings.filter(([name]) => name !== 'default').map(([name, as]) => (as === undefined || as === name ? name : `${name}:${as}`));
    if (props.length > 0) hoisted.push(`const{${props.join(',')}}=${local ?? load};`);
    if (local === undefined && props.length === 0) hoisted.push(`${load};`);
    return '';
  });
  if (hoisted.length === 0) return text;
  // After the banner's line (it defines `require`), before any other code of the file.
  const firstLine = out.indexOf('\n') + 1;
  return `${out.slice(0, firstLine)}${hoisted.join('')}\n${out.slice(firstLine)}`;
}

const builtinsWithoutEsmFacades = {
  name: 'builtins-without-esm-facades',
  setup(build) {
    build.initialOptions.metafile = true;
    const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
    build.onEnd(async (result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      if (build.initialOptions.write === false) throw new Error('builtins-without-esm-facades: needs write: true (it rewrites the written files)');
      for (const file of Object.keys(result.metafile.outputs)) {
        if (!/\.m?js$/.test(file)) continue;
        const path = resolve(cwd, file);
        const text = readFileSync(path, 'utf8');
        const rewritten = rewriteBuiltinImports(text);
        if (rewritten === text) continue;
        // A parse of the result, so a rewrite that broke the file fails the build rather than a cold start.
        await build.esbuild.transform(rewritten, { format: 'esm', loader: 'js', logLevel: 'silent' });
        writeFileSync(path, rewritten);
      }
    });
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
  zodEnglishOnly,
  zodJitless,
  formDataUnused,
  httpsProxyAgentUnused,
  proxyFromEnvUnused,
  axiosNodeOnly,
  debugDisabled,
  middyStreamsOnDemand,
  awsErrorsUsed,
  bowserUnused,
  eventStreamsUnused,
  lambdaEnvCredentials,
  chunksPerFunction,
  builtinsWithoutEsmFacades,
];
