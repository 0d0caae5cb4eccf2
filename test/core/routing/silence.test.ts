import { describe, expect, it } from 'vitest';
import { activeSilence, RoutingConfig } from '../../../functions/core/routing/index.ts';

const silences = RoutingConfig.parse({
  route: { receiver: 'a' },
  silences: [
    { id: 'deploy', matchers: ['pod=~"app-.*"', 'rule!="oom-killed"'], startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T11:00:00Z', comment: 'rollout' },
    { matchers: ['{pod="db-0"}'], endsAt: '2026-11-24T12:00:00+01:00', comment: 'db migration', createdBy: 'ops' },
  ],
}).silences;
const at = (iso: string) => Date.parse(iso);

describe('activeSilence', () => {
  it.each([
    ['before it starts', { pod: 'app-0', rule: 'x' }, '2026-11-24T09:59:59Z', undefined],
    ['at its start', { pod: 'app-0', rule: 'x' }, '2026-11-24T10:00:00Z', 'deploy'],
    ['while active', { pod: 'app-1', rule: 'x' }, '2026-11-24T10:30:00Z', 'deploy'],
    ['not matching', { pod: 'app-1', rule: 'oom-killed' }, '2026-11-24T10:30:00Z', undefined],
    ['at its end (exclusive)', { pod: 'app-0', rule: 'x' }, '2026-11-24T11:00:00Z', undefined],
    ['without startsAt, before endsAt (offset honoured)', { pod: 'db-0' }, '2026-11-24T10:59:59Z', 'db migration'],
    ['expired', { pod: 'db-0' }, '2026-11-24T11:00:00Z', undefined],
  ])('%s', (_name, labels, now, expected) => {
    const s = activeSilence(labels, silences, at(now));
    expect(s?.id ?? s?.comment).toBe(expected);
  });
});
