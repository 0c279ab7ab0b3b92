// Connected-component labelling, shared by the weight map (cells) and the Rand error
// (segments). Union-find over one raster scan: linear time in practice.

/** Labels of a component image: 0 = not in the set, 1..count = component index. */
export interface Components {
  height: number;
  width: number;
  count: number;
  labels: Int32Array;
}

/** Root of a union-find element, halving the path as it goes. */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/**
 * Labels the connected components of the pixels where `inSet(i)` holds. Connectivity 4
 * (edge neighbours) is the default: with 8, cells separated by a one-pixel diagonal
 * membrane would merge.
 */
export function connectedComponents(
  height: number,
  width: number,
  inSet: (index: number) => boolean,
  connectivity: 4 | 8 = 4,
): Components {
  const n = height * width;
  const parent = new Int32Array(n).fill(-1);
  const union = (a: number, b: number) => {
    const ra = find(parent, a);
    const rb = find(parent, b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!inSet(i)) continue;
      parent[i] = i;
      // Neighbours already visited by the raster scan: left, up (and up-left, up-right for 8).
      if (x > 0 && parent[i - 1] >= 0) union(i, i - 1);
      if (y > 0 && parent[i - width] >= 0) union(i, i - width);
      if (connectivity === 8 && y > 0) {
        if (x > 0 && parent[i - width - 1] >= 0) union(i, i - width - 1);
        if (x < width - 1 && parent[i - width + 1] >= 0) union(i, i - width + 1);
      }
    }
  }
  const labels = new Int32Array(n);
  const rootLabel = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (parent[i] < 0) continue;
    const root = find(parent, i);
    let label = rootLabel.get(root);
    if (label === undefined) {
      label = rootLabel.size + 1;
      rootLabel.set(root, label);
    }
    labels[i] = label;
  }
  return { height, width, count: rootLabel.size, labels };
}
