// The 8 symmetries of the square (the dihedral group D4) on channel-last images, volumes
// (in-plane: every slice alike) and probability maps, and their exact inverses, for
// test-time augmentation (./tta.ts). Transform t = k + 4 f: a horizontal flip when f = 1,
// then k quarter turns counter-clockwise. Pixels are moved, never interpolated, so an inverse
// gives back the very same values.

/** Anything laid out [depth?] x height x width x channels, channel-last, row-major. */
export interface PlanarGrid {
  depth?: number;
  height: number;
  width: number;
  channels: number;
  data: Float32Array;
}

/** The transforms: 0 = identity, 1-3 = quarter turns, 4 = horizontal flip, 5-7 = flip then turns. */
export type Dihedral = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const D4: readonly Dihedral[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** The transform that undoes t: a pure turn by the opposite turn; a reflection is its own inverse. */
export function inverseOf(t: Dihedral): Dihedral {
  return (t >= 4 ? t : (4 - t) % 4) as Dihedral;
}

/** Moves every pixel of `grid` by transform t (height and width swap on odd turns). */
export function applyDihedral<G extends PlanarGrid>(grid: G, t: Dihedral): G {
  const { height: h, width: w, channels: c, data } = grid;
  const turns = t % 4;
  const flip = t >= 4;
  const [oh, ow] = turns % 2 === 1 ? [w, h] : [h, w];
  const planes = grid.depth ?? 1;
  const out = new Float32Array(data.length);
  for (let z = 0; z < planes; z++) {
    const base = z * h * w;
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        // The source pixel (sy, sx) of the turned image, then undo the flip.
        let sy: number;
        let sx: number;
        if (turns === 0) [sy, sx] = [y, x];
        else if (turns === 1) [sy, sx] = [x, w - 1 - y];
        else if (turns === 2) [sy, sx] = [h - 1 - y, w - 1 - x];
        else [sy, sx] = [h - 1 - x, y];
        if (flip) sx = w - 1 - sx;
        const from = (base + sy * w + sx) * c;
        const to = (base + y * ow + x) * c;
        for (let k = 0; k < c; k++) out[to + k] = data[from + k];
      }
    }
  }
  return { ...grid, height: oh, width: ow, data: out };
}
