import { describe, expect, it } from 'vitest';
import { familiesToJson, parseExposition } from '../../../functions/core/exposition/index.ts';

describe('familiesToJson', () => {
  it('produces the design.md shape: every key present, in order, null for what is absent', () => {
    const families = parseExposition('# HELP up Is it up.\n# TYPE up gauge\nup{job="a"} 1 1700000000000\nother 2\n', 'text');
    const json = JSON.stringify(familiesToJson(families));
    expect(json).toBe(
      '[{"name":"up","type":"gauge","help":"Is it up.","unit":null,"samples":[{"name":"up","labels":{"job":"a"},"value":1,"timestamp":1700000000000}]},' +
        '{"name":"other","type":"untyped","help":null,"unit":null,"samples":[{"name":"other","labels":{},"value":2,"timestamp":null}]}]',
    );
  });

  it('spells NaN and infinities as strings and keeps units, dropping exemplars', () => {
    const text = '# TYPE t_seconds counter\n# UNIT t_seconds seconds\nt_seconds_total 1 # {id="x"} 2\nt_seconds_created NaN\n' +
      '# TYPE g gauge\ng{s="+"} +Inf\ng{s="-"} -Inf\n# EOF\n';
    expect(familiesToJson(parseExposition(text, 'openmetrics'))).toEqual([
      {
        name: 't_seconds', type: 'counter', help: null, unit: 'seconds',
        samples: [
          { name: 't_seconds_total', labels: {}, value: 1, timestamp: null },
          { name: 't_seconds_created', labels: {}, value: 'NaN', timestamp: null },
        ],
      },
      {
        name: 'g', type: 'gauge', help: null, unit: null,
        samples: [
          { name: 'g', labels: { s: '+' }, value: '+Inf', timestamp: null },
          { name: 'g', labels: { s: '-' }, value: '-Inf', timestamp: null },
        ],
      },
    ]);
  });
});
