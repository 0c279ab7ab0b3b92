// What every command that takes a spec shares: parsing --input, compiling the spec (or
// reading an IR file), printing diagnostics with code frames, and the exit code.
import { InvalidArgumentError } from 'commander';
import { type CompileResult } from '../language/compile.ts';
import { compileFile } from '../node/compile-file.ts';
import { formatDiagnostics, hasErrors } from '../language/diagnostics.ts';
import type { AugmentConfig, Model } from '../language/ir/types.ts';
import { readAugmentFlag } from '../language/spec/augment-flag.ts';

/** "1x572x572", "3 x 256 x 256", "3x?x?" -> [C, ...sizes] (null for ?). */
export function parseInputOption(text: string): (number | null)[] {
  const parts = text.split(/\s*x\s*/i).map((p) => p.trim());
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => !/^(\d+|\?)$/.test(p)) || parts[0] === '?')
    throw new InvalidArgumentError(`expected CxHxW or CxDxHxW such as 1x572x572, found "${text}"`);
  const values = parts.map((p) => (p === '?' ? null : Number(p)));
  if (values.some((v) => v === 0)) throw new InvalidArgumentError(`sizes must be positive, found "${text}"`);
  return values;
}

/** `--augment "elastic grid 3 sigma 10; flip"`: augmentation statements of the spec language. */
export function parseAugmentOption(value: string): Partial<AugmentConfig> {
  try {
    return readAugmentFlag(value);
  } catch (error) {
    throw new InvalidArgumentError(`\n${(error as Error).message}`);
  }
}

/** Compiles and prints diagnostics to stderr; returns the model or null (and sets exit code 1). */
export function loadModel(path: string, options: { input?: (number | null)[]; quiet?: boolean } = {}): { model: Model | null; result: CompileResult } {
  const result = compileFile(path, options.input ? { input: options.input } : {});
  if (result.diagnostics.length && !options.quiet) process.stderr.write(formatDiagnostics(result.diagnostics, result.sources) + '\n');
  if (hasErrors(result.diagnostics) || !result.model) process.exitCode = 1;
  return { model: result.model, result };
}
