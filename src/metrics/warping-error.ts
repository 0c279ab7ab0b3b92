// The warping error of the ISBI 2012 challenge (Jain et al., "Boundary learning by optimization
// with topological constraints", CVPR 2010; the challenge's reference implementation is Fiji's
// trainableSegmentation.metrics.WarpingError, Arganda-Carreras). Written here from that
// definition; what it does, step by step:
//
// 1. Binarise. The ground truth is the source, cells = 1 and membrane = 0. The proposal is a
//    map of cell probability (the challenge's format: 0 = surely membrane, 1 = surely not), and
//    pixels above the threshold are cells. The image is framed by one pixel of membrane.
// 2. Warp the ground truth towards the proposal by flipping only simple points (4-connected
//    cells, 8-connected membrane; ./simple-point.ts), so its topology never changes. Passes
//    over the mismatched pixels, most confident first (|proposal - threshold| descending, ties
//    column by column: x outer, y inner), flip each one that is simple when it is visited, and
//    repeat until a pass flips nothing. A pixel is only revisited when a neighbour flipped
//    since its last test (the result is the same as rescanning every pass, without the cost).
// 3. Classify the mismatches left (non-simple pixels) by the labels of the warped cells
//    (4-connected) among their in-image 8 neighbours: a membrane pixel the proposal calls cell
//    that touches two cells is a merger; a cell pixel the proposal calls membrane that touches
//    two cells, or whose removal (cells recomputed in a 41 x 41 window, radius 20) leaves two
//    cells around it, is a split; the rest are object or hole additions and deletions.
// 4. The challenge's figure ("minimum splits and mergers warping error") is the number of
//    split and merger pixels over the number of pixels, minimised over the thresholds
//    0.0, 0.1, ..., 0.9 of the whole stack. Jain et al.'s own warping error counts every
//    mismatch left; both are reported, with the splits and mergers as errors (connected groups
//    of their pixels: 4-connected for splits, 8 for mergers, as Fiji clusters them).
import { connectedComponents } from '../data/components.ts';
import type { Mask2D } from '../data/types.ts';
import { assertSameSize } from './check.ts';
import { CELL_GROUPS, NEIGHBOUR_OFFSETS, SIMPLE_POINT_TABLE } from './simple-point.ts';

/** Kinds of topological mismatch (Fiji's classification). */
export const Mismatch = {
  merger: 1,
  split: 2,
  holeAddition: 3,
  objectDeletion: 4,
  objectAddition: 5,
  holeDeletion: 6,
} as const;

/** The warping error of one image at one threshold. */
export interface WarpingScore {
  /** Split and merger pixels left after warping, over all pixels: the ISBI 2012 figure. */
  error: number;
  /** Every mismatch left after warping, over all pixels: Jain et al.'s warping error. */
  allMismatchesError: number;
  splitPixels: number;
  mergerPixels: number;
  /** Topological errors: groups of split pixels (4-connected) and of merger pixels (8-connected). */
  splits: number;
  mergers: number;
}

/** The challenge's thresholds, accumulated in steps of 0.1 as its script does (0.30000000000000004, ...). */
export const ISBI_2012_THRESHOLDS: readonly number[] = (() => {
  const thresholds: number[] = [];
  for (let t = 0; t <= 0.9; t += 0.1) thresholds.push(t);
  return thresholds;
})();

/** Radius of the window in which a split is confirmed (the challenge script's 20). */
export const SPLIT_SEARCH_RADIUS = 20;

/** Result of warping: the warped 0/1 label and the indices of the pixels that still differ. */
export interface Warped {
  warped: Uint8Array;
  mismatches: Int32Array;
}

/** A binary min-heap of ranks, each rank present at most once (the caller keeps the flags). */
class RankHeap {
  private readonly items: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
  }
  push(rank: number): void {
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= rank) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = rank;
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && a[child + 1] < a[child]) child++;
      if (a[child] >= last) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = last;
    return top;
  }
}

/**
 * Warps a 0/1 label (1 = cell) towards the proposal (cell probability, cells above
 * `threshold`) by simple-point flips, in the reference's order (header, step 2).
 */
export function warpLabel(label: Uint8Array, proposal: Float32Array, width: number, height: number, threshold: number): Warped {
  const stride = width + 2;
  const source = new Uint8Array(stride * (height + 2)); // the frame stays 0: membrane outside
  const target = new Uint8Array(source.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      source[(y + 1) * stride + x + 1] = label[y * width + x] ? 1 : 0;
      target[(y + 1) * stride + x + 1] = proposal[y * width + x] > threshold ? 1 : 0;
    }
  }
  // Visiting order: column by column, then by confidence, descending (a stable sort keeps the
  // column order among ties). Confidence in float32, as Fiji stores it.
  const order: number[] = [];
  const confidence = new Float32Array(source.length);
  for (let x = 1; x <= width; x++) {
    for (let y = 1; y <= height; y++) {
      const p = y * stride + x;
      if (source[p] === target[p]) continue;
      order.push(p);
      confidence[p] = Math.abs(Math.fround(proposal[(y - 1) * width + x - 1]) - threshold);
    }
  }
  order.sort((a, b) => confidence[b] - confidence[a]);
  const count = order.length;
  const rank = new Int32Array(source.length).fill(-1);
  order.forEach((p, r) => (rank[p] = r));
  const flipped = new Uint8Array(count);
  const queued = [new Uint8Array(count), new Uint8Array(count)]; // in this pass, in the next
  let current = new RankHeap(count);
  let next = new RankHeap(count);
  for (let r = 0; r < count; r++) current.push(r); // the first pass visits every mismatch
  queued[0].fill(1);
  const neighbours = NEIGHBOUR_OFFSETS.map(([dx, dy]) => dy * stride + dx);
  for (;;) {
    while (current.size > 0) {
      const r = current.pop();
      queued[0][r] = 0;
      const p = order[r];
      let code = 0;
      for (let k = 0; k < 8; k++) code |= source[p + neighbours[k]] << k;
      if (!SIMPLE_POINT_TABLE[code]) continue;
      source[p] ^= 1;
      flipped[r] = 1;
      // A neighbour's test may change now: later in this pass if it comes later, else next pass.
      for (const offset of neighbours) {
        const q = rank[p + offset];
        if (q < 0 || flipped[q]) continue;
        const pass = q > r ? 0 : 1;
        if (queued[pass][q]) continue;
        queued[pass][q] = 1;
        (pass === 0 ? current : next).push(q);
      }
    }
    if (next.size === 0) break;
    [current, next] = [next, current];
    [queued[0], queued[1]] = [queued[1], queued[0]];
  }
  const warped = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) warped[y * width + x] = source[(y + 1) * stride + x + 1];
  const mismatches: number[] = [];
  for (let r = 0; r < count; r++) {
    if (flipped[r]) continue;
    const p = order[r];
    mismatches.push((Math.floor(p / stride) - 1) * width + (p % stride) - 1);
  }
  return { warped, mismatches: Int32Array.from(mismatches) };
}

/**
 * Whether removing cell pixel `p` leaves two or more cells among its neighbours, cells
 * recomputed (4-connected) inside a window of `radius` around it (the whole image when the
 * radius is below 1 or exceeds the image, as in Fiji). `stamp` is scratch, all below `epoch`.
 */
function removalSplits(warped: Uint8Array, width: number, height: number, p: number, radius: number, stamp: Int32Array, epoch: number): boolean {
  const x0 = p % width;
  const y0 = (p - x0) / width;
  const starts: number[] = [];
  let code = 0;
  NEIGHBOUR_OFFSETS.forEach(([dx, dy], k) => {
    const x = x0 + dx;
    const y = y0 + dy;
    if (x < 0 || y < 0 || x >= width || y >= height || !warped[y * width + x]) return;
    starts.push(y * width + x);
    code |= 1 << k;
  });
  // Cell neighbours already 4-connected around p stay connected without it: no search needed.
  if (CELL_GROUPS[code] <= 1) return false;
  const whole = radius < 1 || radius > width || radius > height;
  const left = whole ? 0 : Math.max(0, x0 - radius);
  const right = whole ? width - 1 : Math.min(width - 1, x0 + radius);
  const top = whole ? 0 : Math.max(0, y0 - radius);
  const bottom = whole ? height - 1 : Math.min(height - 1, y0 + radius);
  // Flood the cell of the first neighbour; the removal splits unless it reaches all the others.
  stamp[p] = epoch; // p is membrane now
  const stack = [starts[0]];
  stamp[starts[0]] = epoch;
  let reached = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const ix = i % width;
    const iy = (i - ix) / width;
    for (let d = 0; d < 4; d++) {
      let j: number;
      if (d === 0) j = ix > left ? i - 1 : -1;
      else if (d === 1) j = ix < right ? i + 1 : -1;
      else if (d === 2) j = iy > top ? i - width : -1;
      else j = iy < bottom ? i + width : -1;
      if (j < 0 || !warped[j] || stamp[j] === epoch) continue;
      stamp[j] = epoch;
      stack.push(j);
      if (starts.includes(j) && ++reached === starts.length) return false;
    }
  }
  return true;
}

/** The kind of each mismatch left after warping (header, step 3). */
export function classifyMismatches(warped: Uint8Array, mismatches: Int32Array, width: number, height: number, radius = SPLIT_SEARCH_RADIUS): Uint8Array {
  const cells = connectedComponents(height, width, (i) => warped[i] === 1, 4).labels;
  const kinds = new Uint8Array(mismatches.length);
  const stamp = new Int32Array(width * height);
  const seen: number[] = [];
  mismatches.forEach((p, m) => {
    const x = p % width;
    const y = (p - x) / width;
    seen.length = 0;
    let background = false;
    for (const [dx, dy] of NEIGHBOUR_OFFSETS) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue; // in-image neighbours only
      const label = cells[ny * width + nx];
      if (label === 0) background = true;
      else if (!seen.includes(label)) seen.push(label);
    }
    const isCell = cells[p] !== 0;
    const distinct = seen.length + (background ? 1 : 0);
    if (distinct === 1 && background) kinds[m] = isCell ? Mismatch.objectDeletion : Mismatch.objectAddition;
    else if (distinct === 1) kinds[m] = isCell ? Mismatch.holeAddition : Mismatch.holeDeletion;
    else if (distinct === 2 && !isCell) kinds[m] = Mismatch.holeAddition;
    else if (distinct === 2) kinds[m] = removalSplits(warped, width, height, p, radius, stamp, m + 1) ? Mismatch.split : Mismatch.holeDeletion;
    else kinds[m] = isCell ? Mismatch.split : Mismatch.merger;
  });
  return kinds;
}

/** The warping error of a cell-probability map against a ground truth at one threshold. */
export function warpingErrorOfMap(truth: Mask2D, cellProbability: Float32Array, threshold: number, membraneClass = 1, radius = SPLIT_SEARCH_RADIUS): WarpingScore {
  const { height, width } = truth;
  if (cellProbability.length !== height * width) {
    throw new RangeError(`probability map has ${cellProbability.length} pixels but ground truth is ${width}x${height}`);
  }
  const label = Uint8Array.from(truth.data, (c) => (c === membraneClass ? 0 : 1));
  const { warped, mismatches } = warpLabel(label, cellProbability, width, height, threshold);
  const kinds = classifyMismatches(warped, mismatches, width, height, radius);
  const kindAt = new Uint8Array(height * width);
  mismatches.forEach((p, m) => (kindAt[p] = kinds[m]));
  const splitPixels = kinds.filter((k) => k === Mismatch.split).length;
  const mergerPixels = kinds.filter((k) => k === Mismatch.merger).length;
  const pixels = height * width;
  return {
    error: (splitPixels + mergerPixels) / pixels,
    allMismatchesError: mismatches.length / pixels,
    splitPixels,
    mergerPixels,
    splits: connectedComponents(height, width, (i) => kindAt[i] === Mismatch.split, 4).count,
    mergers: connectedComponents(height, width, (i) => kindAt[i] === Mismatch.merger, 8).count,
  };
}

/**
 * The warping error of a predicted mask: its membrane class as probability 0, everything
 * else 1, at threshold 0.5 (a binary proposal binarises the same at every threshold).
 */
export function warpingError(pred: Mask2D, truth: Mask2D, membraneClass = 1): WarpingScore {
  assertSameSize(pred, truth);
  const cellProbability = Float32Array.from(pred.data, (c) => (c === membraneClass ? 0 : 1));
  return warpingErrorOfMap(truth, cellProbability, 0.5, membraneClass);
}
