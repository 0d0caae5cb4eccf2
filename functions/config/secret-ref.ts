import * as z from 'zod';

/**
 * Where a secret comes from. Only the reference lives in config; the value is resolved at start-up.
 * Its own module so channel schemas can use it without importing the whole config (an ES module cycle).
 * - `{env}`: an environment variable; `{file}`: a file (e.g. a mounted Kubernetes Secret);
 * - `{secretsManager: {id, key?}}`: an AWS Secrets Manager secret (name or ARN), its whole SecretString
 *   or, with `key`, one string field of it parsed as a JSON object;
 * - `{ssm: {name}}`: an SSM Parameter Store parameter (SecureString, decrypted).
 */
export const SecretRef = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ secretsManager: z.object({ id: z.string().min(1).max(2048), key: z.string().min(1).optional() }).strict() }).strict(),
  z.object({ ssm: z.object({ name: z.string().min(1).max(2048) }).strict() }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRef>;
