// builtin:ellipsoids — the 3D analogue of builtin:ellipses (ellipses.ts): small volumes
// holding ellipsoids and boxes with gray values drawn from the same range on a noisy
// background, so only shape tells the ellipsoids (class 1) from the boxes (class 0).
import { Random } from './random.ts';
import type { VolumeSample } from './types.ts';

/** One drawn solid: centre (z, y, x), half-axes, in-plane angle (ellipsoids) and gray value. */
export interface Solid {
  kind: 'ellipsoid' | 'box';
  centre: [number, number, number];
  radii: [number, number, number];
  angle: number;
  gray: number;
}

/** Options of the generator; the default size gives 16 x 16 x 16 volumes. */
export interface EllipsoidsOptions {
  count: number;
  /** Edge length of the cubic volumes. */
  size?: number;
  seed?: number;
}

/** True when voxel (z, y, x) (its centre at integer coordinates) lies inside the solid. */
export function insideSolid(s: Solid, z: number, y: number, x: number): boolean {
  const dz = (z - s.centre[0]) / s.radii[0];
  const dy = y - s.centre[1];
  const dx = x - s.centre[2];
  if (s.kind === 'box') return Math.abs(dz) <= 1 && Math.abs(dy) <= s.radii[1] && Math.abs(dx) <= s.radii[2];
  const c = Math.cos(s.angle);
  const n = Math.sin(s.angle);
  const u = (dy * c + dx * n) / s.radii[1];
  const v = (-dy * n + dx * c) / s.radii[2];
  return dz * dz + u * u + v * v <= 1;
}

/** 1-3 non-overlapping solids (bounding spheres apart), the first always an ellipsoid. */
export function makeSolids(size: number, rng: Random): Solid[] {
  const wanted = 1 + rng.int(3);
  const solids: Solid[] = [];
  const placed: { c: number[]; r: number }[] = [];
  for (let attempt = 0; attempt < 100 && solids.length < wanted; attempt++) {
    const r = rng.uniform(0.15, 0.28) * size;
    const centre = [0, 1, 2].map(() => rng.uniform(r, size - 1 - r)) as [number, number, number];
    if (placed.some((p) => Math.hypot(p.c[0] - centre[0], p.c[1] - centre[1], p.c[2] - centre[2]) < p.r + r + 1)) continue;
    const kind = solids.length === 0 || rng.bool() ? 'ellipsoid' : 'box';
    // Boxes are a little smaller than their bounding sphere so they do not look like spheres.
    const scale = kind === 'box' ? 0.7 : 1;
    const radii = [r * scale * rng.uniform(0.6, 1), r * scale * rng.uniform(0.6, 1), r * scale] as [number, number, number];
    placed.push({ c: centre, r });
    solids.push({ kind, centre, radii, angle: rng.uniform(0, Math.PI), gray: rng.uniform(0.45, 0.95) });
  }
  return solids;
}

/** Renders solids on a noisy background; mask = 1 exactly on voxels inside an ellipsoid. */
export function renderSolids(name: string, solids: Solid[], size: number, rng: Random): VolumeSample {
  const background = rng.uniform(0.05, 0.3);
  const noise = rng.uniform(0.02, 0.06);
  const n = size * size * size;
  const image = new Float32Array(n);
  const mask = new Uint8Array(n);
  for (let z = 0; z < size; z++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = (z * size + y) * size + x;
        let value = background;
        for (const s of solids) {
          if (!insideSolid(s, z, y, x)) continue;
          value = s.gray;
          if (s.kind === 'ellipsoid') mask[i] = 1;
        }
        image[i] = Math.min(1, Math.max(0, value + rng.normal(0, noise)));
      }
    }
  }
  return {
    name,
    image: { depth: size, height: size, width: size, channels: 1, data: image },
    mask: { depth: size, height: size, width: size, data: mask },
  };
}

/** Generates the builtin:ellipsoids data set; volume i depends only on (seed, i, size). */
export function makeEllipsoids({ count, size = 16, seed = 0 }: EllipsoidsOptions): VolumeSample[] {
  const root = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const rng = root.fork(`ellipsoids/${i}`);
    return renderSolids(`ellipsoids-${String(i).padStart(4, '0')}`, makeSolids(size, rng), size, rng);
  });
}
