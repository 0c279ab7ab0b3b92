// AssemblyScript, shared by conv2d.as.ts and filter-gradient.as.ts (compiled into each).
//
// The input transform of Winograd's F(2x2, 3x3): V = B^T d B for every 4x4 tile d (stride
// 2) of a padded channels-last image, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
// (F(3x3, 2x2), the weight gradient's, has the last row of B^T negated: the caller folds
// that sign into its other factor instead.)

/** V[pos][tile][c] = (B^T d B)[pos] of every 4x4 input tile (stride 2) of the padded x. */
export function transformInputTiles(x: usize, v: usize, n: i32, hp: i32, wp: i32, ci: i32, th: i32, tw: i32): void {
  const pixel = <usize>ci << 2;
  const row = <usize>wp * pixel;
  const tiles = n * th * tw;
  const posStep = <usize>(tiles * ci) << 2;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < th; i++) {
      for (let j = 0; j < tw; j++) {
        const tile = (b * th + i) * tw + j;
        const from = x + <usize>(b * hp + 2 * i) * row + <usize>(2 * j) * pixel;
        const to = v + <usize>(tile * ci) * 4;
        for (let c: usize = 0; c < pixel; c += 16) {
          // B^T d, one column s at a time, then (B^T d) B along the row.
          const at = from + c;
          let t00: v128, t01: v128, t02: v128, t03: v128, t10: v128, t11: v128, t12: v128, t13: v128;
          let t20: v128, t21: v128, t22: v128, t23: v128, t30: v128, t31: v128, t32: v128, t33: v128;
          {
            const d0 = v128.load(at), d1 = v128.load(at + row), d2 = v128.load(at + 2 * row), d3 = v128.load(at + 3 * row);
            t00 = f32x4.sub(d0, d2); t10 = f32x4.add(d1, d2); t20 = f32x4.sub(d2, d1); t30 = f32x4.sub(d1, d3);
          }
          {
            const p = at + pixel;
            const d0 = v128.load(p), d1 = v128.load(p + row), d2 = v128.load(p + 2 * row), d3 = v128.load(p + 3 * row);
            t01 = f32x4.sub(d0, d2); t11 = f32x4.add(d1, d2); t21 = f32x4.sub(d2, d1); t31 = f32x4.sub(d1, d3);
          }
          {
            const p = at + 2 * pixel;
            const d0 = v128.load(p), d1 = v128.load(p + row), d2 = v128.load(p + 2 * row), d3 = v128.load(p + 3 * row);
            t02 = f32x4.sub(d0, d2); t12 = f32x4.add(d1, d2); t22 = f32x4.sub(d2, d1); t32 = f32x4.sub(d1, d3);
          }
          {
            const p = at + 3 * pixel;
            const d0 = v128.load(p), d1 = v128.load(p + row), d2 = v128.load(p + 2 * row), d3 = v128.load(p + 3 * row);
            t03 = f32x4.sub(d0, d2); t13 = f32x4.add(d1, d2); t23 = f32x4.sub(d2, d1); t33 = f32x4.sub(d1, d3);
          }
          const o = to + c;
          v128.store(o, f32x4.sub(t00, t02)); v128.store(o + posStep, f32x4.add(t01, t02));
          v128.store(o + 2 * posStep, f32x4.sub(t02, t01)); v128.store(o + 3 * posStep, f32x4.sub(t01, t03));
          v128.store(o + 4 * posStep, f32x4.sub(t10, t12)); v128.store(o + 5 * posStep, f32x4.add(t11, t12));
          v128.store(o + 6 * posStep, f32x4.sub(t12, t11)); v128.store(o + 7 * posStep, f32x4.sub(t11, t13));
          v128.store(o + 8 * posStep, f32x4.sub(t20, t22)); v128.store(o + 9 * posStep, f32x4.add(t21, t22));
          v128.store(o + 10 * posStep, f32x4.sub(t22, t21)); v128.store(o + 11 * posStep, f32x4.sub(t21, t23));
          v128.store(o + 12 * posStep, f32x4.sub(t30, t32)); v128.store(o + 13 * posStep, f32x4.add(t31, t32));
          v128.store(o + 14 * posStep, f32x4.sub(t32, t31)); v128.store(o + 15 * posStep, f32x4.sub(t31, t33));
        }
      }
    }
  }
}

