import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/language/compile.ts';
import { formatDuration, parseDuration } from '../../src/language/spec/duration.ts';

describe('durations (unet train --time, train { time ... })', () => {
  it('reads hours, minutes and seconds', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('20m')).toBe(1200);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('2m3s')).toBe(123);
  });

  it('refuses everything else', () => {
    for (const text of ['', '20', 'm', '30m1h', '20 min', '-5s', '0s', '1h1h']) expect(parseDuration(text), text).toBeNull();
  });

  it('prints what it reads back', () => {
    for (const seconds of [3, 90, 1200, 5400, 3723, 2.5]) expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    expect(formatDuration(5400)).toBe('1h30m');
  });
});

describe('train { time ... }', () => {
  const spec = (time: string) => `unet T {\n  input 1 x 16 x 16\n  output 2 classes softmax\n  depth 1\n  filters 4 doubling\n  train {\n    time ${time}\n  }\n}\n`;

  it('puts the budget in seconds into the IR', () => {
    expect(compileSource(spec('1h30m'), 't.unet').model!.train.time).toBe(5400);
    expect(compileSource(spec('90s'), 't.unet').model!.train.time).toBe(90);
  });

  it('leaves it out of the IR when absent', () => {
    expect('time' in compileSource(spec('20m').replace('    time 20m\n', ''), 't.unet').model!.train).toBe(false);
  });

  it('refuses a bare number at its location, saying how to write one', () => {
    const { model, diagnostics } = compileSource(spec('20'), 't.unet');
    expect(model).toBeNull();
    expect(diagnostics[0].message).toBe('`time` expects a duration such as 20m, 90s or 1h30m, found `20`');
    expect([diagnostics[0].line, diagnostics[0].column]).toEqual([7, 10]);
  });
});
