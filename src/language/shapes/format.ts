// Shapes and counts as text for people: "64 x 568 x 568", "64 x H-4 x W-4", "31,030,658"
// (unet check, the diagram, the playground).
import type { Model, SymDim } from '../ir/types.ts';

const AXES = { 2: ['H', 'W'], 3: ['D', 'H', 'W'] } as const;

/** "388", or "H - 184", "H/16 - 11.5" when the size is open. */
export function formatSize(size: number | null, sym: SymDim, axis: string): string {
  if (size !== null) return String(size);
  const scale = sym.num === sym.den ? axis : sym.den === 1 ? `${sym.num}${axis}` : sym.num === 1 ? `${axis}/${sym.den}` : `${sym.num}${axis}/${sym.den}`;
  if (sym.offset === 0) return scale;
  return `${scale}${sym.offset > 0 ? '+' : '-'}${Math.abs(sym.offset)}`;
}

export function formatShape(model: Model, shape: Model['input']): string {
  const axes = AXES[model.dims];
  return [String(shape.channels), ...shape.size.map((s, i) => formatSize(s, shape.symbolic[i]!, axes[i]!))].join(' x ');
}

/**
 * "31,030,658": an integer count with its digits grouped by thousands, as en-US writes it.
 * Not toLocaleString('en-US'): a process's first call loads ICU's number formatting, about
 * 12 ms of every `unet check` (bench/RESULTS.md, "CLI start-up").
 */
export function formatCount(n: number): string {
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${digits}` : digits;
}
