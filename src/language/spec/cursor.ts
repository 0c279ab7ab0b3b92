// Reads the values of one statement left to right, reporting what was expected and what
// was found at the exact value that is wrong.
import type { Statement, Value } from '../ast.ts';
import { error, type Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { parseDuration } from './duration.ts';

export class ValueError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

const describe = (v: Value) => (v.kind === 'string' ? v.text : `\`${v.text}\``);

export class Cursor {
  private index = 0;
  constructor(readonly statement: Statement) {}

  get key(): string {
    return this.statement.key;
  }

  peek(): Value | undefined {
    return this.statement.values[this.index];
  }

  atEnd(): boolean {
    return this.index >= this.statement.values.length;
  }

  private fail(message: string, value: Value | undefined, hint?: string): never {
    // A missing value is reported just after the last thing written before it (not after a block's `}`).
    const last = this.statement.values.at(-1)?.span ?? this.statement.keySpan;
    const span = value?.span ?? { ...last, line: last.endLine, column: last.endColumn, endColumn: last.endColumn + 1 };
    throw new ValueError(error('bad-value', message, span, hint));
  }

  private found(value: Value | undefined): string {
    return value ? describe(value) : this.statement.block ? '`{`' : 'the end of the line';
  }

  /** One of the given words. */
  word<T extends string>(choices: readonly T[], what: string): T {
    const v = this.statement.values[this.index];
    if (v?.kind === 'name' && (choices as readonly string[]).includes(v.value)) {
      this.index++;
      return v.value as T;
    }
    const hint = v?.kind === 'name' ? didYouMean(v.value, choices) : undefined;
    // The choices in parentheses, unless `what` already names them all ("the word `conv`").
    const listed = choices.every((c) => what.includes(`\`${c}\``)) ? '' : ` (${choices.map((c) => `\`${c}\``).join(', ')})`;
    this.fail(`\`${this.key}\` expects ${what}${listed}, found ${this.found(v)}`, v, hint);
  }

  /** Any name (an identifier), e.g. the name of a spec. */
  name(what: string, hint?: string): string {
    const v = this.peek();
    if (v?.kind !== 'name') this.fail(`\`${this.key}\` expects ${what}, found ${this.found(v)}`, v, hint);
    this.index++;
    return v.value;
  }

  /** A string in quotes. */
  string(what: string, hint?: string): string {
    const v = this.peek();
    if (v?.kind !== 'string') this.fail(`\`${this.key}\` expects ${what} in quotes, found ${this.found(v)}`, v, hint);
    this.index++;
    return v.value;
  }

  /** Consumes the word if it is next. */
  accept(word: string): boolean {
    const v = this.peek();
    if (v?.kind === 'name' && v.value === word) {
      this.index++;
      return true;
    }
    return false;
  }

  nextIsNumber(): boolean {
    return this.peek()?.kind === 'number';
  }

  nextIsWord(choices?: readonly string[]): boolean {
    const v = this.peek();
    return v?.kind === 'name' && (!choices || choices.includes(v.value));
  }

  /** `1e999` and a 400-digit size read as Infinity, which no setting can hold (nor the IR's JSON). */
  private finite(v: Value & { kind: 'number' | 'dims' }, what: string): void {
    const values = v.kind === 'number' ? [v.value] : v.value;
    if (values.some((n) => n !== null && !Number.isFinite(n))) this.fail(`${what} is too large a number, found ${v.text}`, v);
  }

  number(what: string, range: { min?: number; max?: number; minExclusive?: boolean } = {}): number {
    const v = this.statement.values[this.index];
    if (v?.kind !== 'number') this.fail(`\`${this.key}\` expects ${what}, found ${this.found(v)}`, v);
    this.finite(v, what);
    const { min, max, minExclusive } = range;
    if (min !== undefined && (minExclusive ? v.value <= min : v.value < min))
      this.fail(`${what} must be ${minExclusive ? 'greater than' : 'at least'} ${min}, found ${v.text}`, v);
    if (max !== undefined && v.value > max) this.fail(`${what} must be at most ${max}, found ${v.text}`, v);
    this.index++;
    return v.value;
  }

  /** A wall time such as `20m`, `90s` or `1h30m` (./duration.ts), in seconds. */
  duration(what: string): number {
    const v = this.peek();
    const seconds = v?.kind === 'name' ? parseDuration(v.value) : null;
    if (seconds === null) this.fail(`\`${this.key}\` expects ${what}, found ${this.found(v)}`, v, 'hours, minutes and seconds, in that order and without spaces: `1h30m`');
    this.index++;
    return seconds;
  }

  integer(what: string, min = 1, max?: number): number {
    const v = this.peek();
    const n = this.number(what, { min, ...(max !== undefined ? { max } : {}) });
    if (!Number.isInteger(n)) this.fail(`${what} must be a whole number, found ${v!.text}`, v);
    return n;
  }

  /**
   * "3x3", "3x3x3" or a single integer (one entry: the same size on every axis). The
   * dimensionality may come from a base spec, so resolve.ts checks the length.
   */
  size(what: string): number[] {
    const v = this.peek();
    if (v?.kind === 'number') return [this.integer(what)];
    if (v?.kind !== 'dims') this.fail(`\`${this.key}\` expects ${what} such as 3x3, found ${this.found(v)}`, v);
    this.finite(v, what);
    if (v.value.some((n) => n === null || n < 1)) this.fail(`${what} must be positive whole numbers, found ${v.text}`, v);
    this.index++;
    return v.value as number[];
  }

  /** Raw dims ("1 x 572 x 572", "3 x ? x ?") or a single number. */
  dims(what: string): { values: (number | null)[]; value: Value } {
    const v = this.peek();
    if (v?.kind === 'number' || v?.kind === 'dims') this.finite(v, what);
    if (v?.kind === 'number') {
      this.index++;
      return { values: [v.value], value: v };
    }
    if (v?.kind !== 'dims') this.fail(`\`${this.key}\` expects ${what}, found ${this.found(v)}`, v);
    this.index++;
    return { values: v.value, value: v };
  }

  onOff(): boolean {
    if (this.atEnd()) return true;
    return this.word(['on', 'off', 'true', 'false'] as const, 'on or off') === 'on' || this.statement.values[this.index - 1]!.text === 'true';
  }

  /** A comma-separated list of numbers (at least one). */
  numbers(what: string, integer = true, min = 1): number[] {
    const read = () => (integer ? this.integer(what, min) : this.number(what, { min }));
    const out = [read()];
    while (this.nextIsNumber()) out.push(read());
    return out;
  }

  strings(what: string): string[] {
    const out: string[] = [];
    while (!this.atEnd()) {
      const v = this.peek()!;
      if (v.kind !== 'string' && v.kind !== 'name') this.fail(`\`${this.key}\` expects ${what}, found ${describe(v)}`, v);
      out.push(String(v.value));
      this.index++;
    }
    if (out.length === 0) this.fail(`\`${this.key}\` expects ${what}, found the end of the line`, undefined);
    return out;
  }

  /** Reports a problem with a value that was read correctly but does not fit. */
  statementError(message: string, value: Value, hint?: string): never {
    this.fail(message, value, hint);
  }

  /** Errors on anything left over. */
  end(): void {
    const v = this.peek();
    if (v) this.fail(`unexpected ${describe(v)} after \`${this.key}\``, v);
  }

  /** Optional `name value` pairs in any order, e.g. `epsilon 1e-5 momentum 0.1`; each at most once. */
  options(handlers: Record<string, () => void>): void {
    const seen = new Map<string, Value>();
    while (!this.atEnd()) {
      const v = this.peek()!;
      if (v.kind === 'name' && handlers[v.value]) {
        const first = seen.get(v.value);
        // Two `conv` clauses in one `up` line would otherwise be read as the last one.
        if (first) this.fail(`\`${v.value}\` is given twice in \`${this.key}\` (first at column ${first.span.column})`, v, 'give it once');
        seen.set(v.value, v);
        this.index++;
        handlers[v.value]!();
        continue;
      }
      const names = Object.keys(handlers);
      const hint = v.kind === 'name' ? didYouMean(v.value, names) : undefined;
      this.fail(`unexpected ${describe(v)} in \`${this.key}\`; it takes ${names.map((n) => `\`${n}\``).join(', ')}`, v, hint);
    }
  }
}
