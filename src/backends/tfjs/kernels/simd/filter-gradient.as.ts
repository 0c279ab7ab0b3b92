// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd`; the .wasm beside
// this file is committed, and test/backends/tfjs/simd.test.ts rebuilds it and checks it is the same.
//
// dW of a channels-last 2D convolution (tfjs' Conv2DBackpropFilter, which tfjs-backend-wasm
// lacks):
//
//   dW[p, q, c, o] = sum over n, i, j of  x[n, i*sh - pt + p*dh, j*sw - pl + q*dw, c] * dy[n, i, j, o]
//
// positions outside x being the zero padding, skipped. For one tap (p, q) that is a GEMM
// over the output pixels, computed the way XNNPACK writes its wasm GEMM micro-kernels: a
// block of 4 input x 8 output channels is 8 f32x4 accumulators; each pixel costs 4 splat
// loads of x, 2 vector loads of dy, 8 multiplies and 8 adds (wasm SIMD has no fused
// multiply-add). A block is held in registers over every pixel of a chunk of rows, and
// chunks are sized to stay in L2.
//
// Memory is this module's own: the caller copies x and dy in and dW out, so nothing here
// depends on tfjs' heap.

import { transformInputTiles } from './winograd.lib.as';

/** Bytes of x and dy rows a chunk may hold (L2 is 1-2 MB a core on the machines we target). */
const CHUNK_BYTES: i32 = 512 * 1024;

@inline function splat(p: usize): v128 {
  return v128.load32_splat(p);
}

// A run: `rows` rows of `count` dy pixels against the x pixels they pair with for one tap,
// accumulated into one block of dW. xStep and dyStep are the byte strides between pixels
// of a row, xRow and dyRow between rows; dwRow between the block's input-channel rows.

function run4x8(x: usize, dy: usize, rows: i32, count: i32, xRow: usize, dyRow: usize, xStep: usize, dyStep: usize, dw: usize, dwRow: usize): void {
  let a0 = v128.load(dw), a1 = v128.load(dw, 16);
  let b0 = v128.load(dw + dwRow), b1 = v128.load(dw + dwRow, 16);
  let c0 = v128.load(dw + 2 * dwRow), c1 = v128.load(dw + 2 * dwRow, 16);
  let d0 = v128.load(dw + 3 * dwRow), d1 = v128.load(dw + 3 * dwRow, 16);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xRow;
    let gp = dy + <usize>r * dyRow;
    for (let j = 0; j < count; j++) {
      const g0 = v128.load(gp), g1 = v128.load(gp, 16);
      const x0 = splat(xp), x1 = splat(xp + 4), x2 = splat(xp + 8), x3 = splat(xp + 12);
      a0 = f32x4.add(a0, f32x4.mul(x0, g0)); a1 = f32x4.add(a1, f32x4.mul(x0, g1));
      b0 = f32x4.add(b0, f32x4.mul(x1, g0)); b1 = f32x4.add(b1, f32x4.mul(x1, g1));
      c0 = f32x4.add(c0, f32x4.mul(x2, g0)); c1 = f32x4.add(c1, f32x4.mul(x2, g1));
      d0 = f32x4.add(d0, f32x4.mul(x3, g0)); d1 = f32x4.add(d1, f32x4.mul(x3, g1));
      xp += xStep;
      gp += dyStep;
    }
  }
  v128.store(dw, a0); v128.store(dw, a1, 16);
  v128.store(dw + dwRow, b0); v128.store(dw + dwRow, b1, 16);
  v128.store(dw + 2 * dwRow, c0); v128.store(dw + 2 * dwRow, c1, 16);
  v128.store(dw + 3 * dwRow, d0); v128.store(dw + 3 * dwRow, d1, 16);
}

function run4x4(x: usize, dy: usize, rows: i32, count: i32, xRow: usize, dyRow: usize, xStep: usize, dyStep: usize, dw: usize, dwRow: usize): void {
  let a = v128.load(dw), b = v128.load(dw + dwRow), c = v128.load(dw + 2 * dwRow), d = v128.load(dw + 3 * dwRow);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xRow;
    let gp = dy + <usize>r * dyRow;
    for (let j = 0; j < count; j++) {
      const g = v128.load(gp);
      a = f32x4.add(a, f32x4.mul(splat(xp), g));
      b = f32x4.add(b, f32x4.mul(splat(xp + 4), g));
      c = f32x4.add(c, f32x4.mul(splat(xp + 8), g));
      d = f32x4.add(d, f32x4.mul(splat(xp + 12), g));
      xp += xStep;
      gp += dyStep;
    }
  }
  v128.store(dw, a); v128.store(dw + dwRow, b); v128.store(dw + 2 * dwRow, c); v128.store(dw + 3 * dwRow, d);
}

function run1x8(x: usize, dy: usize, rows: i32, count: i32, xRow: usize, dyRow: usize, xStep: usize, dyStep: usize, dw: usize): void {
  let a0 = v128.load(dw), a1 = v128.load(dw, 16);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xRow;
    let gp = dy + <usize>r * dyRow;
    for (let j = 0; j < count; j++) {
      const x0 = splat(xp);
      a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(gp)));
      a1 = f32x4.add(a1, f32x4.mul(x0, v128.load(gp, 16)));
      xp += xStep;
      gp += dyStep;
    }
  }
  v128.store(dw, a0); v128.store(dw, a1, 16);
}

function run1x4(x: usize, dy: usize, rows: i32, count: i32, xRow: usize, dyRow: usize, xStep: usize, dyStep: usize, dw: usize): void {
  let a = v128.load(dw);
  for (let r = 0; r < rows; r++) {
    let xp = x + <usize>r * xRow;
    let gp = dy + <usize>r * dyRow;
    for (let j = 0; j < count; j++) {
      a = f32x4.add(a, f32x4.mul(splat(xp), v128.load(gp)));
      xp += xStep;
      gp += dyStep;
    }
  }
  v128.store(dw, a);
}

/** First output index k >= 0 whose input position k*stride - pad + offset is >= 0. */
@inline function firstInside(stride: i32, pad: i32, offset: i32): i32 {
  const need = pad - offset;
  return need <= 0 ? 0 : (need + stride - 1) / stride;
}

/** One past the last output index k < out whose input position k*stride - pad + offset is < size. */
@inline function endInside(stride: i32, pad: i32, offset: i32, size: i32, out: i32): i32 {
  const room = size - 1 + pad - offset;
  return room < 0 ? 0 : min(out, room / stride + 1);
}

/**
 * Overwrites dW (kh x kw x ci x co floats at `dw`) with the gradient for x (n x h x w x ci
 * at `x`) and dy (n x oh x ow x co at `dy`). co must be a multiple of 4; ci is any count.
 */
export function filterGradient(
  x: usize, dy: usize, dw: usize,
  n: i32, h: i32, w: i32, ci: i32,
  oh: i32, ow: i32, co: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dwd: i32, pt: i32, pl: i32,
): void {
  memory.fill(dw, 0, <usize>(kh * kw * ci * co) << 2);
  // A chunk: consecutive output rows of one image, with the x rows they read.
  const rowBytes = (ow * co + sh * w * ci) << 2;
  const chunk = max(1, CHUNK_BYTES / max(rowBytes, 1));
  const dwRow = <usize>co << 2;
  const xStep = <usize>(sw * ci) << 2;
  const dyStep = <usize>co << 2;
  const xRow = <usize>(sh * w * ci) << 2;
  const dyRow = <usize>(ow * co) << 2;
  for (let b = 0; b < n; b++) {
    for (let i0 = 0; i0 < oh; i0 += chunk) {
      const i1 = min(oh, i0 + chunk);
      for (let p = 0; p < kh; p++) {
        const r0 = max(i0, firstInside(sh, pt, p * dh));
        const r1 = min(i1, endInside(sh, pt, p * dh, h, oh));
        if (r0 >= r1) continue;
        const rows = r1 - r0;
        for (let q = 0; q < kw; q++) {
          const j0 = firstInside(sw, pl, q * dwd);
          const j1 = endInside(sw, pl, q * dwd, w, ow);
          if (j0 >= j1) continue;
          const count = j1 - j0;
          const tap = dw + (<usize>((p * kw + q) * ci * co) << 2);
          // The first pixel of the run in x and dy.
          const x00 = x + (<usize>(((b * h + r0 * sh - pt + p * dh) * w + j0 * sw - pl + q * dwd) * ci) << 2);
          const dy00 = dy + (<usize>(((b * oh + r0) * ow + j0) * co) << 2);
          let c = 0;
          for (; c + 4 <= ci; c += 4) {
            let o = 0;
            for (; o + 8 <= co; o += 8) run4x8(x00 + (c << 2), dy00 + (o << 2), rows, count, xRow, dyRow, xStep, dyStep, tap + (<usize>(c * co + o) << 2), dwRow);
            for (; o < co; o += 4) run4x4(x00 + (c << 2), dy00 + (o << 2), rows, count, xRow, dyRow, xStep, dyStep, tap + (<usize>(c * co + o) << 2), dwRow);
          }
          for (; c < ci; c++) {
            let o = 0;
            for (; o + 8 <= co; o += 8) run1x8(x00 + (c << 2), dy00 + (o << 2), rows, count, xRow, dyRow, xStep, dyStep, tap + (<usize>(c * co + o) << 2));
            for (; o < co; o += 4) run1x4(x00 + (c << 2), dy00 + (o << 2), rows, count, xRow, dyRow, xStep, dyStep, tap + (<usize>(c * co + o) << 2));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The weight gradient of a 3x3 stride-1 convolution by Winograd's F(3x3, 2x2) (Lavin & Gray
// 2016): dW[p][q] = sum_ij x[i+p][j+q] dy[i][j] is, per 2x2 tile g of dy and the 4x4 tile d
// of x it meets (stride 2),
//
//   dW += A^T [ (G g G^T) . (B^T d B) ] A,
//
//   G = [1 0; 1/2 1/2; 1/2 -1/2; 0 1]      A^T = [1 1 1 0; 0 1 -1 0; 0 1 1 1]
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 -1 0 1]
//
// 16 multiplies per channel pair and tile instead of 36. The sum over tiles is 16 GEMMs
// M[pos] = Vx[pos]^T Vg[pos], run by filterGradient above as 1x1 weight gradients. B^T is
// the forward transform's (winograd.lib.as.ts) with its last row negated; that sign, s_r s_c
// with s = (1, 1, 1, -1), is folded into G g G^T here.

/** The 4 values of G a (a = two vectors) times the signs (1, 1, 1, last), stored at `to`, to + step, .. */
@inline function storeG2(a0: v128, a1: v128, to: usize, step: usize, last: v128): void {
  const half = f32x4.splat(0.5);
  v128.store(to, a0);
  v128.store(to + step, f32x4.mul(half, f32x4.add(a0, a1)));
  v128.store(to + 2 * step, f32x4.mul(half, f32x4.sub(a0, a1)));
  v128.store(to + 3 * step, f32x4.mul(last, a1));
}

/** Vg[pos][tile][o] = s_r s_c (G g G^T)[pos] of every 2x2 tile of dy (n x 2th x 2tw x co); 8 vectors of scratch. */
function transformGradientTiles(dy: usize, vg: usize, scratch: usize, n: i32, th: i32, tw: i32, co: i32): void {
  const pixel = <usize>co << 2;
  const row = <usize>(2 * tw) * pixel;
  const tiles = n * th * tw;
  const posStep = <usize>(tiles * co) << 2;
  const minus = f32x4.splat(-1);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < th; i++) {
      for (let j = 0; j < tw; j++) {
        const tile = (b * th + i) * tw + j;
        const from = dy + <usize>(b * 2 * th + 2 * i) * row + <usize>(2 * j) * pixel;
        const to = vg + <usize>(tile * co) * 4;
        for (let c: usize = 0; c < pixel; c += 16) {
          // G g: rows r (4) x columns q (2) at scratch + (2r + q) * 16; the last row negated.
          storeG2(v128.load(from + c), v128.load(from + row + c), scratch, 32, minus);
          storeG2(v128.load(from + pixel + c), v128.load(from + row + pixel + c), scratch + 16, 32, minus);
          // (G g) G^T, row r: positions 4r .. 4r+3, the last column negated.
          for (let r = 0; r < 4; r++) {
            const at = scratch + <usize>r * 32;
            storeG2(v128.load(at), v128.load(at, 16), to + c + <usize>(4 * r) * posStep, posStep, minus);
          }
        }
      }
    }
  }
}

/** dW[p][q][c][o] = (A^T M A)[p][q] from M[pos][c][o] (16 GEMM results of ci x co). */
function transformWeights(m: usize, dw: usize, ci: i32, co: i32): void {
  const posStep = <usize>(ci * co) << 2;
  const tapStep = posStep;
  for (let at: usize = 0; at < posStep; at += 16) {
    // Per row r of M: e_r0 = m_r0 + m_r1 + m_r2, e_r1 = m_r1 - m_r2, e_r2 = m_r1 + m_r2 + m_r3.
    let e00: v128, e01: v128, e02: v128, e10: v128, e11: v128, e12: v128;
    let e20: v128, e21: v128, e22: v128, e30: v128, e31: v128, e32: v128;
    {
      const p = m + at;
      const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
      e00 = f32x4.add(f32x4.add(m0, m1), m2); e01 = f32x4.sub(m1, m2); e02 = f32x4.add(f32x4.add(m1, m2), m3);
    }
    {
      const p = m + at + 4 * posStep;
      const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
      e10 = f32x4.add(f32x4.add(m0, m1), m2); e11 = f32x4.sub(m1, m2); e12 = f32x4.add(f32x4.add(m1, m2), m3);
    }
    {
      const p = m + at + 8 * posStep;
      const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
      e20 = f32x4.add(f32x4.add(m0, m1), m2); e21 = f32x4.sub(m1, m2); e22 = f32x4.add(f32x4.add(m1, m2), m3);
    }
    {
      const p = m + at + 12 * posStep;
      const m0 = v128.load(p), m1 = v128.load(p + posStep), m2 = v128.load(p + 2 * posStep), m3 = v128.load(p + 3 * posStep);
      e30 = f32x4.add(f32x4.add(m0, m1), m2); e31 = f32x4.sub(m1, m2); e32 = f32x4.add(f32x4.add(m1, m2), m3);
    }
    // Then down the rows: tap (p, q) = 3p + q, each tap a ci x co block of dW.
    const to = dw + at;
    v128.store(to, f32x4.add(f32x4.add(e00, e10), e20));
    v128.store(to + tapStep, f32x4.add(f32x4.add(e01, e11), e21));
    v128.store(to + 2 * tapStep, f32x4.add(f32x4.add(e02, e12), e22));
    v128.store(to + 3 * tapStep, f32x4.sub(e10, e20));
    v128.store(to + 4 * tapStep, f32x4.sub(e11, e21));
    v128.store(to + 5 * tapStep, f32x4.sub(e12, e22));
    v128.store(to + 6 * tapStep, f32x4.add(f32x4.add(e10, e20), e30));
    v128.store(to + 7 * tapStep, f32x4.add(f32x4.add(e11, e21), e31));
    v128.store(to + 8 * tapStep, f32x4.add(f32x4.add(e12, e22), e32));
  }
}

/**
 * Overwrites dW (3 x 3 x ci x co at `dw`) of a 3x3 stride-1 conv from the padded x (n x hp x
 * wp x ci, hp >= 2*th + 2, wp >= 2*tw + 2) and dy zero-padded to n x 2th x 2tw x co, th and
 * tw the tile rows and columns (ceil(oh/2), ceil(ow/2)). ci and co multiples of 4. Scratch:
 * vx (16*T*ci floats), vg (16*T*co), m (16*ci*co), 8 vectors at `scratch`; T = n*th*tw.
 */
export function winogradFilterGradient3x3(
  x: usize, dy: usize, dw: usize, vx: usize, vg: usize, m: usize, scratch: usize,
  n: i32, hp: i32, wp: i32, ci: i32, th: i32, tw: i32, co: i32,
): void {
  const tiles = n * th * tw;
  transformInputTiles(x, vx, n, hp, wp, ci, th, tw);
  transformGradientTiles(dy, vg, scratch, n, th, tw, co);
  for (let pos = 0; pos < 16; pos++) {
    // The tiles as a 1 x tiles image: M[pos] is the 1x1 weight gradient of Vx[pos] and Vg[pos].
    filterGradient(vx + (<usize>(pos * tiles * ci) << 2), vg + (<usize>(pos * tiles * co) << 2), m + (<usize>(pos * ci * co) << 2),
      1, 1, tiles, ci, 1, tiles, co, 1, 1, 1, 1, 1, 1, 0, 0);
  }
  transformWeights(m, dw, ci, co);
}
