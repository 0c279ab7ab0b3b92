// Simple points of a 2D binary image with a 4-connected foreground and an 8-connected
// background: flipping a simple point changes no component, hole or adjacency (the warping
// error's only allowed move, Jain et al. CVPR 2010, sec. 3). Bertrand & Malandain, Pattern
// Recognit. Lett. 15 (1994) 169-175, p. 172: p is simple iff T4(p, X) = 1 and T8(p, X') = 1,
// where T4 counts the 4-components of the foreground in the 8-neighbourhood that touch p's
// edge neighbours and T8 the 8-components of the background in the 8-neighbourhood. The
// test ignores p's own value, so one table serves flips in both directions. (Fiji's
// WarpingError embeds the 3x3 patch in a 3D test with 6/26 connectivity; tabulated over all
// 256 neighbourhoods it decides exactly this.)

/**
 * Bit k of a neighbourhood code is the k-th neighbour in raster order, centre skipped:
 * (x-1,y-1), (x,y-1), (x+1,y-1), (x-1,y), (x+1,y), (x-1,y+1), (x,y+1), (x+1,y+1); 1 = foreground.
 */
export const NEIGHBOUR_OFFSETS: readonly (readonly [number, number])[] = [
  [-1, -1], [0, -1], [1, -1],
  [-1, 0], [1, 0],
  [-1, 1], [0, 1], [1, 1],
];

/** Number of components among the neighbours whose bit equals `value` (4- or 8-adjacent to each other). */
function neighbourComponents(code: number, value: 0 | 1, connectivity: 4 | 8, mustTouchEdge: boolean): number {
  const members = NEIGHBOUR_OFFSETS.map((_, k) => k).filter((k) => ((code >> k) & 1) === value);
  const adjacent = (a: number, b: number) => {
    const dx = Math.abs(NEIGHBOUR_OFFSETS[a][0] - NEIGHBOUR_OFFSETS[b][0]);
    const dy = Math.abs(NEIGHBOUR_OFFSETS[a][1] - NEIGHBOUR_OFFSETS[b][1]);
    return connectivity === 4 ? dx + dy === 1 : Math.max(dx, dy) === 1;
  };
  const isEdge = (k: number) => NEIGHBOUR_OFFSETS[k][0] === 0 || NEIGHBOUR_OFFSETS[k][1] === 0;
  const seen = new Set<number>();
  let count = 0;
  for (const start of members) {
    if (seen.has(start)) continue;
    const component = [start];
    seen.add(start);
    for (let i = 0; i < component.length; i++) {
      for (const other of members) {
        if (!seen.has(other) && adjacent(component[i], other)) {
          seen.add(other);
          component.push(other);
        }
      }
    }
    if (!mustTouchEdge || component.some(isEdge)) count++;
  }
  return count;
}

/** Whether the centre of the neighbourhood `code` is simple (4-connected foreground, 8-connected background). */
export function isSimpleCode(code: number): boolean {
  return neighbourComponents(code, 1, 4, true) === 1 && neighbourComponents(code, 0, 8, false) === 1;
}

/**
 * Number of 4-connected groups of cell neighbours, by code: at most 1 means removing p
 * cannot disconnect its neighbouring cells (the warping error's split test skips its search).
 */
export const CELL_GROUPS: Uint8Array = Uint8Array.from({ length: 256 }, (_, code) => neighbourComponents(code, 1, 4, false));

/** isSimpleCode for all 256 neighbourhoods, indexed by code: the warping loop's only test. */
export const SIMPLE_POINT_TABLE: Uint8Array = Uint8Array.from({ length: 256 }, (_, code) => (isSimpleCode(code) ? 1 : 0));
