import { z } from 'zod';

/**
 * Where a secret comes from. Only the reference lives in config; the value is resolved at start-up.
 * Its own module so channel schemas can use it without importing the whole config (an ES module cycle).
 */
export const SecretRef = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRef>;
