import { parseJsonConfig } from '../../config/validate.ts';
import { sharedDeps, type BaseDeps } from './deps.ts';

/**
 * The shared deps with the whole config validated: the webhook, dispatch and sampler-logs roots build on it. The
 * probe validates only the sections it reads (`probe-deps.ts`), so its bundle never builds the channel schemas.
 */
export const baseDeps: () => Promise<BaseDeps> = sharedDeps(parseJsonConfig);
