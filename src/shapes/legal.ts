// Legal input sizes of a U-Net: s >= min and s % modulus in residues (the paper's network:
// 12 mod 16 and at least 188), and how to say so.

export interface LegalSizes {
  min: number;
  modulus: number;
  residues: number[];
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
  const ok = (t: number) => t >= legal.min && legal.residues.includes(t % legal.modulus);
  const out: number[] = [];
  for (let t = s - 1; t >= legal.min; t--)
    if (ok(t)) {
      out.push(t);
      break;
    }
  for (let t = Math.max(s + 1, legal.min); ; t++)
    if (ok(t)) {
      out.push(t);
      break;
    }
  return out;
}

/** "the nearest legal sizes are 556 and 572", or one size, plus a depth hint when too small. */
export function nearestHint(legal: LegalSizes, s: number): string {
  const near = nearestLegal(legal, s);
  const sizes = near.length === 1 ? `the nearest legal size is ${near[0]}` : `the nearest legal sizes are ${near.join(' and ')}`;
  return s < legal.min ? `${sizes}; a smaller \`depth\` accepts smaller inputs` : sizes;
}
