// Shared by the front-end tests: the reference specs and a compile that fails loudly.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileFile } from '../../src/node/compile-file.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import type { Model } from '../../src/language/ir/types.ts';

/** Every .unet file under specs/, sorted. */
export const SPECS = readdirSync('specs', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.unet'))
  .map((f) => join('specs', f))
  .sort();

/** The model of a spec file; throws with the formatted diagnostics when it does not compile. */
export function compile(path: string): Model {
  const { model, diagnostics, sources } = compileFile(path);
  if (!model) throw new Error(formatDiagnostics(diagnostics, sources));
  return model;
}
