// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// A channels-last 2D convolution over an input the caller has already zero-padded:
//
//   y[n, i, j, o] = act(bias[o] + sum over p, q, c of  x[n, i*sh + p*dh, j*sw + q*dw, c] * W[p, q, c, o])
//
// with W laid out [kh, kw, ci, co] (tfjs' filter layout) and act the identity or ReLU. As
// the weight gradient in filter-gradient.as.ts: a GEMM, here of output pixels by output
// channels over the reduction (p, q, c), in register blocks of 4 pixels x 8 channels (8
// f32x4 accumulators; each reduction step costs 4 splat loads of x, 2 vector loads of W,
// 8 multiplies and 8 adds).

@inline function splat(p: usize): v128 {
  return v128.load32_splat(p);
}

@inline function finish(v: v128, relu: bool): v128 {
  return relu ? f32x4.max(v, f32x4.splat(0)) : v;
}

// A block: `pixels` output pixels (4 or 1) of one row against 8 or 4 output channels.
// x: the first input pixel of the first tap; pixelStep: bytes between the block's input
// pixels; xRow: bytes between input rows (one dilation step), xTap between taps of a row;
// w: the block's packed slice of W (rows of wRow bytes); y: the first output.

function block4x8(x: usize, pixelStep: usize, xRow: usize, xTap: usize, kh: i32, kw: i32, ci: i32,
  w: usize, wRow: usize, y: usize, yStep: usize, bias: usize, relu: bool): void {
  let a0 = bias ? v128.load(bias) : f32x4.splat(0), a1 = bias ? v128.load(bias, 16) : f32x4.splat(0);
  let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      let xp = x + <usize>p * xRow + <usize>q * xTap;
      let wp = w + <usize>((p * kw + q) * ci) * wRow;
      for (let c = 0; c < ci; c++) {
        const w0 = v128.load(wp), w1 = v128.load(wp, 16);
        const x0 = splat(xp), x1 = splat(xp + pixelStep), x2 = splat(xp + 2 * pixelStep), x3 = splat(xp + 3 * pixelStep);
        a0 = f32x4.add(a0, f32x4.mul(x0, w0)); a1 = f32x4.add(a1, f32x4.mul(x0, w1));
        b0 = f32x4.add(b0, f32x4.mul(x1, w0)); b1 = f32x4.add(b1, f32x4.mul(x1, w1));
        c0 = f32x4.add(c0, f32x4.mul(x2, w0)); c1 = f32x4.add(c1, f32x4.mul(x2, w1));
        d0 = f32x4.add(d0, f32x4.mul(x3, w0)); d1 = f32x4.add(d1, f32x4.mul(x3, w1));
        xp += 4;
        wp += wRow;
      }
    }
  }
  v128.store(y, finish(a0, relu)); v128.store(y, finish(a1, relu), 16);
  v128.store(y + yStep, finish(b0, relu)); v128.store(y + yStep, finish(b1, relu), 16);
  v128.store(y + 2 * yStep, finish(c0, relu)); v128.store(y + 2 * yStep, finish(c1, relu), 16);
  v128.store(y + 3 * yStep, finish(d0, relu)); v128.store(y + 3 * yStep, finish(d1, relu), 16);
}

function block4x4(x: usize, pixelStep: usize, xRow: usize, xTap: usize, kh: i32, kw: i32, ci: i32,
  w: usize, wRow: usize, y: usize, yStep: usize, bias: usize, relu: bool): void {
  let a = bias ? v128.load(bias) : f32x4.splat(0);
  let b = a, c = a, d = a;
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      let xp = x + <usize>p * xRow + <usize>q * xTap;
      let wp = w + <usize>((p * kw + q) * ci) * wRow;
      for (let k = 0; k < ci; k++) {
        const w0 = v128.load(wp);
        a = f32x4.add(a, f32x4.mul(splat(xp), w0));
        b = f32x4.add(b, f32x4.mul(splat(xp + pixelStep), w0));
        c = f32x4.add(c, f32x4.mul(splat(xp + 2 * pixelStep), w0));
        d = f32x4.add(d, f32x4.mul(splat(xp + 3 * pixelStep), w0));
        xp += 4;
        wp += wRow;
      }
    }
  }
  v128.store(y, finish(a, relu)); v128.store(y + yStep, finish(b, relu));
  v128.store(y + 2 * yStep, finish(c, relu)); v128.store(y + 3 * yStep, finish(d, relu));
}

function block1x8(x: usize, xRow: usize, xTap: usize, kh: i32, kw: i32, ci: i32,
  w: usize, wRow: usize, y: usize, bias: usize, relu: bool): void {
  let a0 = bias ? v128.load(bias) : f32x4.splat(0), a1 = bias ? v128.load(bias, 16) : f32x4.splat(0);
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      let xp = x + <usize>p * xRow + <usize>q * xTap;
      let wp = w + <usize>((p * kw + q) * ci) * wRow;
      for (let c = 0; c < ci; c++) {
        const x0 = splat(xp);
        a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(wp)));
        a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(wp, 16)));
        xp += 4;
        wp += wRow;
      }
    }
  }
  v128.store(y, finish(a0, relu)); v128.store(y, finish(a1, relu), 16);
}

function block1x4(x: usize, xRow: usize, xTap: usize, kh: i32, kw: i32, ci: i32,
  w: usize, wRow: usize, y: usize, bias: usize, relu: bool): void {
  let a = bias ? v128.load(bias) : f32x4.splat(0);
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      let xp = x + <usize>p * xRow + <usize>q * xTap;
      let wp = w + <usize>((p * kw + q) * ci) * wRow;
      for (let c = 0; c < ci; c++) {
        a = f32x4.add(a, f32x4.mul(splat(xp), v128.load(wp)));
        xp += 4;
        wp += wRow;
      }
    }
  }
  v128.store(y, finish(a, relu));
}

/**
 * W [K, co] (K = kh*kw*ci) repacked by blocks of output channels: block o (8 wide, or 4 for
 * the last when co is 4 mod 8) is K contiguous rows of its width, starting at K*o floats, so
 * a block streams its slice of W from consecutive cache lines.
 *
 * flip: `w` holds instead the filter G [taps, co, ci] (taps = kh*kw) of the forward conv
 * whose input gradient this is; W[t, c, o] = G[taps-1-t, o, c] is W flipped in space with its
 * channel axes swapped, packed here without building it first.
 */
function pack(w: usize, packed: usize, taps: i32, ci: i32, co: i32, flip: bool): void {
  const k = taps * ci;
  for (let o = 0; o < co; ) {
    const width = o + 8 <= co ? 8 : 4;
    const to = packed + (<usize>(k * o) << 2);
    if (!flip) {
      for (let r = 0; r < k; r++) {
        const from = w + (<usize>(r * co + o) << 2);
        v128.store(to + (<usize>(r * width) << 2), v128.load(from));
        if (width == 8) v128.store(to + (<usize>(r * width) << 2), v128.load(from, 16), 16);
      }
    } else {
      for (let t = 0; t < taps; t++) {
        const tap = w + (<usize>((taps - 1 - t) * co * ci) << 2);
        for (let c = 0; c < ci; c++) {
          const row = to + (<usize>((t * ci + c) * width) << 2);
          for (let u = 0; u < width; u++) store<f32>(row + (<usize>u << 2), load<f32>(tap + (<usize>((o + u) * ci + c) << 2)));
        }
      }
    }
    o += width;
  }
}

/**
 * y (n x oh x ow x co at `y`) from the padded x (n x hp x wp x ci at `x`) and W (kh x kw x
 * ci x co at `w`, or its flipped form, see pack; `packed` is room for a copy of it); `bias`
 * is co floats or 0 for none; relu != 0 applies ReLU. co must be a multiple of 4.
 *
 * Output-channel blocks are the outer loop: a block's slice of W (K x 8 floats, 74 KB for
 * 3x3x256 inputs) stays in L2 while every output pixel passes, where a pixel-major order
 * would stream all of W (2.4 MB for 3x3x256x256) once per row of a small map.
 */
export function conv2d(
  x: usize, w: usize, packed: usize, y: usize,
  n: i32, hp: i32, wp: i32, ci: i32,
  oh: i32, ow: i32, co: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dwd: i32,
  bias: usize, relu: bool, flip: bool,
): void {
  const k = kh * kw * ci;
  pack(w, packed, kh * kw, ci, co, flip);
  const pixel = <usize>ci << 2;
  const pixelStep = <usize>sw * pixel;
  const xRow = <usize>(dh * wp) * pixel;
  const xTap = <usize>dwd * pixel;
  const yStep = <usize>co << 2;
  for (let o = 0; o < co; ) {
    const eight = o + 8 <= co;
    const wRow: usize = eight ? 32 : 16;
    const wCol = packed + (<usize>(k * o) << 2);
    const biasAt = bias ? bias + (<usize>o << 2) : 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        const xLine = x + <usize>((b * hp + i * sh) * wp) * pixel;
        const yLine = y + <usize>((b * oh + i) * ow) * yStep + (<usize>o << 2);
        let j = 0;
        for (; j + 4 <= ow; j += 4) {
          const xp = xLine + <usize>j * pixelStep;
          const yp = yLine + <usize>j * yStep;
          if (eight) block4x8(xp, pixelStep, xRow, xTap, kh, kw, ci, wCol, wRow, yp, yStep, biasAt, relu);
          else block4x4(xp, pixelStep, xRow, xTap, kh, kw, ci, wCol, wRow, yp, yStep, biasAt, relu);
        }
        for (; j < ow; j++) {
          const xp = xLine + <usize>j * pixelStep;
          const yp = yLine + <usize>j * yStep;
          if (eight) block1x8(xp, xRow, xTap, kh, kw, ci, wCol, wRow, yp, biasAt, relu);
          else block1x4(xp, xRow, xTap, kh, kw, ci, wCol, wRow, yp, biasAt, relu);
        }
      }
    }
    o += eight ? 8 : 4;
  }
}
