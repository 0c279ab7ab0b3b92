// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// The gradient of a channels-last 2D max pooling: each output's gradient goes to the input
// position that was the window's maximum, the first in row-major window order on ties (as
// tfjs' cpu engine decides), and sums where windows overlap. Four channels at a time: the
// maximum and its position are tracked per lane with a compare and two selects, then the
// four gradients are added at their positions; channels past the last multiple of four
// one at a time the same way.

/** dx[pos] += g for one lane, pos being a pixel index of the image (or -1: no maximum, all NaN). */
@inline function addAt(dx: usize, pos: i32, pixelBytes: usize, channel: usize, g: f32): void {
  if (pos < 0) return;
  const at = dx + <usize>pos * pixelBytes + channel;
  store<f32>(at, load<f32>(at) + g);
}

/**
 * Overwrites dx (n x h x w x c at `dx`) with the gradient for x (same shape at `x`) and dy
 * (n x oh x ow x c at `dy`) of a kh x kw pooling with strides sh, sw and padding pt, pl.
 */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize,
  n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, pt: i32, pl: i32,
): void {
  const pixelBytes = <usize>c << 2;
  const imageBytes = <usize>(h * w) * pixelBytes;
  memory.fill(dx, 0, <usize>n * imageBytes);
  const none = i32x4.splat(-1);
  const lowest = f32x4.splat(-Infinity);
  for (let b = 0; b < n; b++) {
    const image = x + <usize>b * imageBytes;
    const grads = dx + <usize>b * imageBytes;
    for (let i = 0; i < oh; i++) {
      const r0 = max(i * sh - pt, 0);
      const r1 = min(i * sh - pt + kh, h);
      for (let j = 0; j < ow; j++) {
        const q0 = max(j * sw - pl, 0);
        const q1 = min(j * sw - pl + kw, w);
        const g = dy + <usize>(((b * oh + i) * ow + j)) * pixelBytes;
        let ch: usize = 0;
        for (; ch + 16 <= pixelBytes; ch += 16) {
          let best = lowest;
          let pos = none;
          for (let r = r0; r < r1; r++) {
            for (let q = q0; q < q1; q++) {
              const p = r * w + q;
              const v = v128.load(image + <usize>p * pixelBytes + ch);
              const higher = f32x4.gt(v, best);
              best = v128.bitselect(v, best, higher);
              pos = v128.bitselect(i32x4.splat(p), pos, higher);
            }
          }
          const d = v128.load(g + ch);
          addAt(grads, i32x4.extract_lane(pos, 0), pixelBytes, ch, f32x4.extract_lane(d, 0));
          addAt(grads, i32x4.extract_lane(pos, 1), pixelBytes, ch + 4, f32x4.extract_lane(d, 1));
          addAt(grads, i32x4.extract_lane(pos, 2), pixelBytes, ch + 8, f32x4.extract_lane(d, 2));
          addAt(grads, i32x4.extract_lane(pos, 3), pixelBytes, ch + 12, f32x4.extract_lane(d, 3));
        }
        for (; ch < pixelBytes; ch += 4) {
          let best: f32 = -Infinity;
          let pos = -1;
          for (let r = r0; r < r1; r++) {
            for (let q = q0; q < q1; q++) {
              const p = r * w + q;
              const v = load<f32>(image + <usize>p * pixelBytes + ch);
              if (v > best) {
                best = v;
                pos = p;
              }
            }
          }
          addAt(grads, pos, pixelBytes, ch, load<f32>(g + ch));
        }
      }
    }
  }
}
