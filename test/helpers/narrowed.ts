// The same network with fewer channels: every `filters` width of `min` or more in every
// file read (the parents of `extends` too) divided by `divisor`, never below `min`. The
// graph, the crops and every spatial size stay the same, so shape and numeric checks of a
// full-size reference net run in CI time on its narrowed twin.
import { compileFile, readFromDisk } from '../../src/node/compile-file.ts';
import { formatDiagnostics } from '../../src/language/diagnostics.ts';
import type { Model } from '../../src/language/ir/types.ts';

export function narrowed(path: string, { divisor = 8, min = 8 }: { divisor?: number; min?: number } = {}): Model {
  const narrow = (widths: string) => widths.replace(/\d+/g, (n) => (Number(n) >= min ? String(Math.max(min, Math.floor(Number(n) / divisor))) : n));
  const read = (file: string) => {
    const r = readFromDisk(file);
    return 'text' in r ? { text: r.text.replace(/(filters\s+)(\d+(?:\s*,\s*\d+)*)/g, (_, head: string, widths: string) => head + narrow(widths)) } : r;
  };
  const result = compileFile(path, { read });
  if (!result.model) throw new Error(formatDiagnostics(result.diagnostics, result.sources));
  return result.model;
}
