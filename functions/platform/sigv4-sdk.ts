/*
 * What SigV4 needs from the AWS SDK, in one module that sigv4.ts loads with import() on first use: targets without
 * SigV4 never load it. One module rather than one import() per package: in a Lambda bundle each dynamically
 * imported package that the SDK clients also use statically makes esbuild split the shared SDK code into more
 * chunk files, each one more file to load at every cold start.
 */
export { defaultProvider } from '@aws-sdk/credential-provider-node';
export { SignatureV4 } from '@smithy/signature-v4';
export { Sha256 } from '@aws-crypto/sha256-js';
