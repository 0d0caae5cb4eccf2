import { createHash } from 'node:crypto';

/**
 * What a FIFO SQS queue or SNS topic (a name ending in `.fifo`) requires of every message: a group, within which
 * order holds, and a deduplication id (AWS drops a repeat within 5 minutes, so a retried send is not a second one).
 * Nothing for a standard queue or topic, which refuses these fields.
 */
export function fifoFields(name: string, group: string, id: string): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  if (!name.endsWith('.fifo')) return {};
  return { MessageGroupId: group.slice(0, 128), MessageDeduplicationId: createHash('sha256').update(id).digest('hex') };
}
