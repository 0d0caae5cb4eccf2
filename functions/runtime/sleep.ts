/** Waits `ms`, or less if the signal aborts first; never rejects, so a shutdown is just an early wake-up. */
export { abortableSleep as sleep } from '../platform/delivery/retry.ts';
