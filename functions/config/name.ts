import * as z from 'zod';

/** A target's or check's name: it becomes the alerts' pod and target and a metric dimension, so plain characters only. */
export const ResourceName = z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, . _ : - only');
