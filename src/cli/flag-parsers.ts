// Commander value parsers shared by the commands: each accepts what its flag means, else
// repeats the value and says what was expected (commander prints it and exits 1).
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../language/spec/duration.ts';

/** A parser that accepts a number passing `ok`. */
export function numberFlag(expected: string, ok: (n: number) => boolean): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`expected ${expected}, got '${value}'.`);
    return n;
  };
}

export const positiveInt = numberFlag('a positive integer', (n) => Number.isInteger(n) && n > 0);

/** A wall time such as 20m, 90s or 1h30m, in seconds (the grammar of the spec's `time`). */
export function durationFlag(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === null) throw new InvalidArgumentError(`expected a duration such as 20m, 90s or 1h30m (hours, minutes, seconds in that order), got '${value}'.`);
  return seconds;
}

/** `--workers N|auto`: data-parallel replicas. */
export function workersFlag(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : positiveIntOrAuto(value);
}

const positiveIntOrAuto = numberFlag('a positive integer or auto', (n) => Number.isInteger(n) && n > 0);
