// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd`; the .wasm beside
// this file is committed, and test/tfjs/simd.test.ts rebuilds it and checks it is the same.
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
