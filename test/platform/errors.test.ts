import { describe, expect, it } from 'vitest';
import { AppError, ChannelError, ConfigError, ProbeError, StateError, ValidationError } from '../../functions/platform/errors.ts';

describe('AppError family', () => {
  it('keeps cause, name and instanceof', () => {
    const cause = new Error('root');
    for (const [E, name] of [
      [ConfigError, 'ConfigError'],
      [ProbeError, 'ProbeError'],
      [ValidationError, 'ValidationError'],
    ] as const) {
      const e = new E('boom', { cause });
      expect(e).toBeInstanceOf(AppError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.cause).toBe(cause);
    }
    expect(new StateError('x', '/p').path).toBe('/p');
  });

  it('ValidationError carries issues and an HTTP status (400 by default)', () => {
    expect(new ValidationError('bad').status).toBe(400);
    const e = new ValidationError('too big', { status: 413, issues: ['body: too large'] });
    expect([e.status, e.issues]).toEqual([413, ['body: too large']]);
  });

  it('ChannelError exposes channel, status, reason, retryable', () => {
    const e = new ChannelError({ channel: 'slack', status: 429, reason: 'rate limited', retryable: true, retryAfterMs: 1_000 });
    expect(e).toMatchObject({ channel: 'slack', status: 429, reason: 'rate limited', retryable: true, retryAfterMs: 1_000, name: 'ChannelError' });
    expect(e.message).toBe('slack: rate limited (429)');
    expect(new ChannelError({ channel: 'sns', reason: 'timeout', retryable: true }).message).toBe('sns: timeout');
  });
});
