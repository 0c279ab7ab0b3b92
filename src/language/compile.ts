// The front end in one call: spec file -> parse -> resolve -> IR with shapes -> rules.
// Every command that takes a spec also takes an IR JSON file (validated by the schema).
// Browser-safe: files (the spec's imports) are read through `read`; src/node/compile-file.ts
// reads them from disk.
import { error, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Model } from './ir/types.ts';
import { validateModel } from './ir/validate.ts';
import { runRules } from './rules/index.ts';
import { inferModel, withInputSize } from './shapes/infer.ts';
import { resolveSpec, type ReadFile } from './spec/resolve.ts';

export interface CompileOptions {
  /** [C, H, W] or [C, D, H, W], nulls for open sizes: overrides the spec's input. */
  input?: (number | null)[];
  /** Which `unet` block of the file (default: the last). */
  name?: string;
  /** Reads the files a spec imports; the default reads none (a browser has no files). */
  read?: ReadFile;
}

export interface CompileResult {
  model: Model | null;
  diagnostics: Diagnostic[];
  /** Text of every file read, for code frames. */
  sources: Map<string, string>;
}

/** The reader of a page without files: every import reports that it cannot be read. */
export const noFiles: ReadFile = () => ({ error: 'is not available: no file reader was given' });

export function compileSource(text: string, file: string, options: CompileOptions = {}): CompileResult {
  const resolved = resolveSpec(file, text, options.read ?? noFiles, options.name);
  const result = (model: Model | null, diagnostics: Diagnostic[]): CompileResult => ({ model, diagnostics, sources: resolved.sources });
  if (!resolved.spec) return result(null, resolved.diagnostics);
  const spec = resolved.spec;
  const diagnostics = [...resolved.diagnostics];
  let size: (number | null)[] | undefined;
  if (options.input) {
    const [channels, ...rest] = options.input;
    if (channels !== spec.input.channels)
      diagnostics.push(error('input-channels', `--input has ${channels} channels, but \`${spec.name}\` takes ${spec.input.channels}`, spec.spans['input'] ?? spec.span));
    size = rest;
  }
  if (hasErrors(diagnostics)) return result(null, diagnostics);
  const inferred = inferModel(spec, size);
  diagnostics.push(...inferred.diagnostics);
  if (!inferred.model) return result(null, diagnostics);
  diagnostics.push(...runRules(spec, inferred.model));
  // The IR the compiler builds is typed; test/language/ir.test.ts validates every spec's IR
  // against the schema, so it is not validated again at each compile (ajv's compile of the
  // schema alone would double the time of `unet check`).
  return result(hasErrors(diagnostics) ? null : inferred.model, diagnostics);
}

/**
 * `FILE.unet#Name` picks the `unet` block `Name` of a file that defines several; a plain
 * path compiles the file's last block.
 */
export function splitSpecName(path: string): { path: string; name?: string } {
  const m = /^(.+\.unet)#([A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
  return m ? { path: m[1]!, name: m[2]! } : { path };
}

/** A .unet spec (optionally `FILE.unet#Name`), or an IR .json file (validated; its input size can still be overridden). */
export function compileFile(specPath: string, options: CompileOptions = {}): CompileResult {
  const { path, name } = splitSpecName(specPath);
  if (name !== undefined) options = { ...options, name };
  const read = (options.read ?? noFiles)(path);
  if ('error' in read) {
    const span = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { model: null, diagnostics: [error('missing-file', `cannot read \`${path}\`: it ${read.error}`, span)], sources: new Map() };
  }
  const text = read.text;
  if (path.endsWith('.json')) return compileIrJson(text, path, options);
  return compileSource(text, path, options);
}

function compileIrJson(text: string, path: string, options: CompileOptions): CompileResult {
  const span = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
  let model: Model;
  try {
    model = validateModel(JSON.parse(text));
    if (options.input) model = withInputSize(model, options.input.slice(1));
  } catch (e) {
    return { model: null, diagnostics: [error('ir', (e as Error).message, span)], sources: new Map([[path, text]]) };
  }
  return { model, diagnostics: [], sources: new Map([[path, text]]) };
}
