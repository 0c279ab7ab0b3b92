// The live training chart: the loss after every step (the epoch's running mean, as `unet
// train` prints it) and the validation Dice after every epoch, as one SVG string.

export interface ChartData {
  /** Running mean loss of its epoch after each step, in step order. */
  losses: number[];
  /** Validation Dice after each epoch, at the global step it was measured. */
  dice: { step: number; dice: number }[];
}

const W = 420;
const H = 160;
const PAD = 28;

const fixed = (v: number) => v.toFixed(1);

/** Loss (left axis, 0 to its maximum) in blue and Dice (right axis, 0 to 1) in orange over the steps. */
export function chartSvg({ losses, dice }: ChartData): string {
  const steps = Math.max(losses.length, ...dice.map((d) => d.step), 1);
  const top = Math.max(...losses, 1e-6);
  const x = (step: number) => PAD + ((W - 2 * PAD) * step) / steps;
  const y = (fraction: number) => H - PAD + (2 * PAD - H) * fraction;
  const loss = losses.map((l, i) => `${fixed(x(i + 1))},${fixed(y(l / top))}`).join(' ');
  const points = dice.map((d) => `<circle cx="${fixed(x(d.step))}" cy="${fixed(y(d.dice))}" r="3" fill="#d95f02"><title>Dice ${d.dice.toFixed(4)}</title></circle>`).join('');
  const last = losses.at(-1);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-size="11" font-family="DejaVu Sans, Arial, sans-serif">`
    + `<rect x="${PAD}" y="${PAD}" width="${W - 2 * PAD}" height="${H - 2 * PAD}" fill="none" stroke="#ccc"/>`
    + `<text x="${PAD}" y="${PAD - 8}" fill="#1f77b4">loss${last === undefined ? '' : ` ${last.toFixed(4)}`} (0 to ${top.toFixed(3)})</text>`
    + `<text x="${W - PAD}" y="${PAD - 8}" fill="#d95f02" text-anchor="end">val Dice (0 to 1)</text>`
    + `<text x="${W / 2}" y="${H - 8}" fill="#555" text-anchor="middle">step ${losses.length}</text>`
    + `<polyline class="loss" fill="none" stroke="#1f77b4" stroke-width="1.5" points="${loss}"/>${points}</svg>`;
}
