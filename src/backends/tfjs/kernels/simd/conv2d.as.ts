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

import { transformInputTiles } from './winograd.lib.as';

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

// ---------------------------------------------------------------------------------------
// 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016): every 2x2 block of outputs comes from
// a 4x4 tile of the padded input with 16 multiplies per channel pair instead of 36,
//
//   Y = A^T [ sum_c (G g G^T) . (B^T d B) ] A
//
//   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]      A^T = [1 1 1 0; 0 1 -1 -1]
//
// in passes over channels-last data, four channels per f32x4: U = G g G^T of the filter;
// V = B^T d B of every input tile (additions only); for each of the 16 tile positions, the
// GEMM M = V U, run by conv2d above as a 1x1 convolution of the tiles; y = A^T M A
// (additions only), with bias and ReLU.

/** The 4 values of G a (a = three vectors), stored at `to`, to + step, .. */
@inline function storeG(a0: v128, a1: v128, a2: v128, to: usize, step: usize): void {
  const half = f32x4.splat(0.5);
  v128.store(to, a0);
  v128.store(to + step, f32x4.mul(half, f32x4.add(f32x4.add(a0, a1), a2)));
  v128.store(to + 2 * step, f32x4.mul(half, f32x4.add(f32x4.sub(a0, a1), a2)));
  v128.store(to + 3 * step, a2);
}

/** Four output channels of tap t of the filter, the flipped form read as pack reads it. */
@inline function filterTap(w: usize, t: i32, c: i32, o: i32, ci: i32, co: i32, flip: bool): v128 {
  if (!flip) return v128.load(w + (<usize>((t * ci + c) * co + o) << 2));
  const tap = w + (<usize>((8 - t) * co * ci) << 2);
  let v = f32x4.splat(load<f32>(tap + (<usize>(o * ci + c) << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(tap + (<usize>((o + 1) * ci + c) << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(tap + (<usize>((o + 2) * ci + c) << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(tap + (<usize>((o + 3) * ci + c) << 2)));
}

/**
 * U[pos] = (G g G^T)[pos] as 16 filters of [ci, co] floats at u, u + ci*co, ..; `scratch`
 * holds 12 vectors (G g for four output channels).
 */
function transformFilter(w: usize, u: usize, scratch: usize, ci: i32, co: i32, flip: bool): void {
  const posStep = <usize>(ci * co) << 2;
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o += 4) {
      // Gg: row r of the 4 x 3 product at scratch + (3r + q) * 16.
      for (let q = 0; q < 3; q++) {
        storeG(filterTap(w, q, c, o, ci, co, flip), filterTap(w, 3 + q, c, o, ci, co, flip), filterTap(w, 6 + q, c, o, ci, co, flip),
          scratch + (<usize>q << 4), 48);
      }
      // (Gg) G^T: row r, position r*4 + s.
      const to = u + (<usize>(c * co + o) << 2);
      for (let r = 0; r < 4; r++) {
        const row = scratch + <usize>r * 48;
        storeG(v128.load(row), v128.load(row, 16), v128.load(row, 32), to + <usize>(r * 4) * posStep, posStep);
      }
    }
  }
}

/** y = A^T M A per tile, plus bias and ReLU; the last row or column of a tile is dropped past oh, ow. */
function transformOutput(m: usize, y: usize, n: i32, oh: i32, ow: i32, co: i32, th: i32, tw: i32, bias: usize, relu: bool): void {
  const tiles = n * th * tw;
  const posStep = <usize>(tiles * co) << 2;
  const pixel = <usize>co << 2;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < th; i++) {
      for (let j = 0; j < tw; j++) {
        const tile = (b * th + i) * tw + j;
        const from = m + <usize>(tile * co) * 4;
        const top = y + <usize>((b * oh + 2 * i) * ow + 2 * j) * pixel;
        const down = 2 * i + 1 < oh;
        const right = 2 * j + 1 < ow;
        for (let c: usize = 0; c < pixel; c += 16) {
          const at = from + c;
          // Per row r of M: a_r = m_r0 + m_r1 + m_r2, b_r = m_r1 - m_r2 - m_r3.
          let a0: v128, b0: v128, a1: v128, b1: v128, a2: v128, b2: v128, a3: v128, b3: v128;
          {
            const m0 = v128.load(at), m1 = v128.load(at + posStep), m2 = v128.load(at + 2 * posStep), m3 = v128.load(at + 3 * posStep);
            a0 = f32x4.add(f32x4.add(m0, m1), m2); b0 = f32x4.sub(f32x4.sub(m1, m2), m3);
          }
          {
            const p = at + 4 * posStep;
            const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
            a1 = f32x4.add(f32x4.add(m0, m1), m2); b1 = f32x4.sub(f32x4.sub(m1, m2), m3);
          }
          {
            const p = at + 8 * posStep;
            const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
            a2 = f32x4.add(f32x4.add(m0, m1), m2); b2 = f32x4.sub(f32x4.sub(m1, m2), m3);
          }
          {
            const p = at + 12 * posStep;
            const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
            a3 = f32x4.add(f32x4.add(m0, m1), m2); b3 = f32x4.sub(f32x4.sub(m1, m2), m3);
          }
          const k = bias ? v128.load(bias + c) : f32x4.splat(0);
          v128.store(top + c, finish(f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), k), relu));
          if (right) v128.store(top + pixel + c, finish(f32x4.add(f32x4.add(f32x4.add(b0, b1), b2), k), relu));
          if (down) {
            const below = top + <usize>ow * pixel;
            v128.store(below + c, finish(f32x4.add(f32x4.sub(f32x4.sub(a1, a2), a3), k), relu));
            if (right) v128.store(below + pixel + c, finish(f32x4.add(f32x4.sub(f32x4.sub(b1, b2), b3), k), relu));
          }
        }
      }
    }
  }
}

/**
 * y (n x oh x ow x co) of a 3x3 stride-1 convolution of the padded x (n x hp x wp x ci, with
 * hp >= 2*ceil(oh/2) + 2 and wp >= 2*ceil(ow/2) + 2: rows and columns past the valid
 * ones are zeros) with W (3 x 3 x ci x co, or flipped as in conv2d). ci and co multiples of 4.
 * Scratch: u (16*ci*co floats), packed (ci*co), v (16*T*ci), m (16*T*co) with T =
 * n*ceil(oh/2)*ceil(ow/2) tiles, and 12 vectors at `scratch`.
 */
export function winograd3x3(
  x: usize, w: usize, u: usize, packed: usize, v: usize, m: usize, scratch: usize, y: usize,
  n: i32, hp: i32, wp: i32, ci: i32, oh: i32, ow: i32, co: i32,
  bias: usize, relu: bool, flip: bool,
): void {
  const th = (oh + 1) >> 1;
  const tw = (ow + 1) >> 1;
  const tiles = n * th * tw;
  transformFilter(w, u, scratch, ci, co, flip);
  transformInputTiles(x, v, n, hp, wp, ci, th, tw);
  for (let pos = 0; pos < 16; pos++) {
    // The tiles as a 1 x tiles image of ci channels, U[pos] as a 1x1 filter.
    conv2d(v + (<usize>(pos * tiles * ci) << 2), u + (<usize>(pos * ci * co) << 2), packed, m + (<usize>(pos * tiles * co) << 2),
      1, 1, tiles, ci, 1, tiles, co, 1, 1, 1, 1, 1, 1, 0, false, false);
  }
  transformOutput(m, y, n, oh, ow, co, th, tw, bias, relu);
}
