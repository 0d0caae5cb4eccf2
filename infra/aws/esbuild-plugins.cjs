/* global module, __dirname */
// esbuild plugins of the Lambda bundles: serverless.yml (custom.esbuild.plugins) and bench/bundles.ts load this
// file, so the benchmark measures exactly what ships.
'use strict';

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
 * axios' Node build imports form-data, which imports mime-types and its database, mime-db: a 130 KB JSON object
 * parsed at every cold start, only used to guess the Content-Type of file parts in multipart uploads. No channel
 * uploads files (they post JSON), so the database is replaced by an empty one: a lookup then answers "unknown"
 * and form-data would fall back to application/octet-stream.
 */
const mimeDbEmpty = {
  name: 'mime-db-empty',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]mime-db[\\/]db\.json$/ }, () => ({ contents: '{}', loader: 'json' }));
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

module.exports = [zodEnglishOnly, mimeDbEmpty, bowserUnused, lambdaEnvCredentials];
