// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// out = sa * a + sb * b over float32 arrays, each product and the sum in float64 and one
// rounding to float32 at the end: exactly what the JavaScript expression computes, two
// lanes at a time. Data-parallel training averages two replicas' gradients with it on every
// step (train/parallel/data-parallel.ts).

export function weightedSum(a: usize, b: usize, out: usize, n: i32, sa: f64, sb: f64): void {
  const va = f64x2.splat(sa), vb = f64x2.splat(sb);
  const bytes = <usize>n << 2;
  let at: usize = 0;
  for (; at + 16 <= bytes; at += 16) {
    const x = v128.load(a + at), y = v128.load(b + at);
    // Lanes 2 and 3 moved down so promote_low widens them.
    const xh = i32x4.shuffle(x, x, 2, 3, 0, 1), yh = i32x4.shuffle(y, y, 2, 3, 0, 1);
    const lo = f64x2.add(f64x2.mul(va, f64x2.promote_low_f32x4(x)), f64x2.mul(vb, f64x2.promote_low_f32x4(y)));
    const hi = f64x2.add(f64x2.mul(va, f64x2.promote_low_f32x4(xh)), f64x2.mul(vb, f64x2.promote_low_f32x4(yh)));
    const l = f32x4.demote_f64x2_zero(lo), h = f32x4.demote_f64x2_zero(hi);
    v128.store(out + at, i32x4.shuffle(l, h, 0, 1, 4, 5));
  }
  for (; at < bytes; at += 4) store<f32>(out + at, <f32>(sa * <f64>load<f32>(a + at) + sb * <f64>load<f32>(b + at)));
}
