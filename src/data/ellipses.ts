// builtin:ellipses — a synthetic data set small enough to train a tiny U-Net on a CPU in
// minutes. Every image holds ellipses, rectangles and triangles with gray values drawn from
// the same range, so only shape (not brightness) tells the ellipses (class 1) apart.
import { Random } from './random.ts';
import type { Sample } from './types.ts';

/** One drawn shape: centre, size, orientation and gray value. */
export type Shape =
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; angle: number; gray: number }
  | { kind: 'rectangle'; cx: number; cy: number; halfW: number; halfH: number; gray: number }
  | { kind: 'triangle'; cx: number; cy: number; vertices: [number, number][]; gray: number };

/** Options of the generator; defaults give 64x64 images. */
export interface EllipsesOptions {
  count: number;
  size?: number;
  seed?: number;
}

const KINDS = ['ellipse', 'rectangle', 'triangle'] as const;

/** True when pixel (x, y) (its centre at integer coordinates) lies inside the shape. */
export function insideShape(shape: Shape, x: number, y: number): boolean {
  const dx = x - shape.cx;
  const dy = y - shape.cy;
  switch (shape.kind) {
    case 'ellipse': {
      const c = Math.cos(shape.angle);
      const s = Math.sin(shape.angle);
      const u = (dx * c + dy * s) / shape.rx;
      const v = (-dx * s + dy * c) / shape.ry;
      return u * u + v * v <= 1;
    }
    case 'rectangle':
      return Math.abs(dx) <= shape.halfW && Math.abs(dy) <= shape.halfH;
    case 'triangle': {
      // Same sign of all three edge cross products = inside (either winding).
      const [a, b, c] = shape.vertices;
      const d1 = (x - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (y - b[1]);
      const d2 = (x - c[0]) * (b[1] - c[1]) - (b[0] - c[0]) * (y - c[1]);
      const d3 = (x - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (y - a[1]);
      return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
    }
  }
}

/** Draws one random shape of the given kind with its bounding radius about r. */
function randomShape(kind: Shape['kind'], cx: number, cy: number, r: number, rng: Random): Shape {
  const gray = rng.uniform(0.45, 0.95);
  switch (kind) {
    case 'ellipse':
      return { kind, cx, cy, rx: r, ry: r * rng.uniform(0.45, 1), angle: rng.uniform(0, Math.PI), gray };
    case 'rectangle': {
      const t = rng.uniform(0.25 * Math.PI, 0.75 * Math.PI) / 2; // aspect from the diagonal angle
      return { kind, cx, cy, halfW: r * Math.cos(t), halfH: r * Math.sin(t), gray };
    }
    case 'triangle': {
      const a0 = rng.uniform(0, 2 * Math.PI);
      const vertices = [0, 1, 2].map((i): [number, number] => {
        const a = a0 + (i * 2 * Math.PI) / 3 + rng.uniform(-0.3, 0.3);
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      });
      return { kind, cx, cy, vertices, gray };
    }
  }
}

/**
 * Places 2-5 non-overlapping shapes (the first always an ellipse, so every image has
 * foreground); shapes never overlap, so "inside an ellipse" is unambiguous.
 */
export function makeShapes(size: number, rng: Random): Shape[] {
  const wanted = 2 + rng.int(4);
  const placed: { cx: number; cy: number; r: number }[] = [];
  const shapes: Shape[] = [];
  for (let attempt = 0; attempt < 200 && shapes.length < wanted; attempt++) {
    const r = rng.uniform(0.08, 0.2) * size;
    const cx = rng.uniform(r + 1, size - r - 1);
    const cy = rng.uniform(r + 1, size - r - 1);
    if (placed.some((p) => Math.hypot(p.cx - cx, p.cy - cy) < p.r + r + 2)) continue;
    const kind = shapes.length === 0 ? 'ellipse' : KINDS[rng.int(KINDS.length)];
    placed.push({ cx, cy, r });
    shapes.push(randomShape(kind, cx, cy, r, rng));
  }
  return shapes;
}

/** Renders shapes on a noisy background; mask = 1 exactly on pixels inside an ellipse. */
export function renderShapes(name: string, shapes: Shape[], size: number, rng: Random): Sample {
  const background = rng.uniform(0.05, 0.3);
  const noise = rng.uniform(0.02, 0.06);
  const image = new Float32Array(size * size);
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      let value = background;
      for (const shape of shapes) {
        if (insideShape(shape, x, y)) {
          value = shape.gray;
          if (shape.kind === 'ellipse') mask[i] = 1;
        }
      }
      image[i] = Math.min(1, Math.max(0, value + rng.normal(0, noise)));
    }
  }
  return {
    name,
    image: { height: size, width: size, channels: 1, data: image },
    mask: { height: size, width: size, data: mask },
  };
}

/** Generates the builtin:ellipses data set; sample i depends only on (seed, i, size). */
export function makeEllipses({ count, size = 64, seed = 0 }: EllipsesOptions): Sample[] {
  const root = new Random(seed);
  return Array.from({ length: count }, (_, i) => {
    const rng = root.fork(`ellipses/${i}`);
    const name = `ellipses-${String(i).padStart(4, '0')}`;
    return renderShapes(name, makeShapes(size, rng), size, rng);
  });
}
