// Legal input sizes of a U-Net: s >= min and s % modulus in residues (the paper's network:
// 12 mod 16 and at least 188), the one search for legal sizes, and how to say so.

export interface LegalSizes {
  min: number;
  modulus: number;
  residues: number[];
}

/** Whether `s` is a legal extent of one spatial axis. */
export function isLegal(legal: LegalSizes, s: number): boolean {
  return s >= legal.min && legal.residues.includes(s % legal.modulus);
}

/** The `count` smallest legal extents of at least `from` (by default: the smallest legal ones). */
export function legalExtents(legal: LegalSizes, count: number, from = legal.min): number[] {
  const out: number[] = [];
  // Every run of `modulus` consecutive sizes from `min` on holds a legal one, so this ends.
  for (let s = Math.max(from, legal.min); out.length < count; s++) if (isLegal(legal, s)) out.push(s);
  return out;
}

/** "12 (mod 16), at least 188" */
export function legalSizeMessage(legal: LegalSizes): string {
  const { min, modulus, residues } = legal;
  if (modulus === 1) return `any size of at least ${min}`;
  const rule = residues.length === 1 ? (residues[0] === 0 ? `multiples of ${modulus}` : `${residues[0]} (mod ${modulus})`) : `${residues.join(', ')} (mod ${modulus})`;
  return `${rule}, at least ${min}`;
}

/** The legal sizes just below and above `s` (only the one above when none is below). */
export function nearestLegal(legal: LegalSizes, s: number): number[] {
  let below = s - 1;
  while (below >= legal.min && !isLegal(legal, below)) below--;
  const above = legalExtents(legal, 1, s + 1);
  return below >= legal.min ? [below, ...above] : above;
}

/** "the nearest legal sizes are 556 and 572", or one size, plus a depth hint when too small. */
export function nearestHint(legal: LegalSizes, s: number): string {
  const near = nearestLegal(legal, s);
  const sizes = near.length === 1 ? `the nearest legal size is ${near[0]}` : `the nearest legal sizes are ${near.join(' and ')}`;
  return s < legal.min ? `${sizes}; a smaller \`depth\` accepts smaller inputs` : sizes;
}
