/* global module */
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

module.exports = [zodEnglishOnly, mimeDbEmpty, bowserUnused];
