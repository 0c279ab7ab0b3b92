// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// Batch normalisation in training mode over x seen as `rows` rows of `channels` channels
// (channels-last, channels a multiple of 4), the two fused kernels of
// ../batch-norm-train.ts moved to SIMD. Sums run in float32 over blocks of BLOCK rows,
// then fold into float64 totals, so a sum over a million pixels loses no more than one
// over BLOCK. The variance is taken about the mean (two sweeps), not as E[x^2] - mean^2.
//
//   mean, var = biased moments of x per channel      rstd = 1 / sqrt(var + epsilon)
//   y     = gamma * (x - mean) * rstd + beta
//   dbeta = sum(dy)      dgamma = rstd * sum(dy * (x - mean))
//   dx    = gamma * rstd * (dy - dbeta / rows - (x - mean) * rstd * dgamma / rows)

const BLOCK: i32 = 64;

/** Adds each float32 block sum into its float64 total and clears the block. */
function fold(block: usize, total: usize, channels: i32): void {
  for (let c = 0; c < channels; c++) {
    const at = block + (<usize>c << 2);
    const to = total + (<usize>c << 3);
    store<f64>(to, load<f64>(to) + <f64>load<f32>(at));
    store<f32>(at, 0);
  }
}

/** total[c] (float64) = sum over rows of f(row values), f given as (x - centre)^power on float32 lanes. */
function channelSums(x: usize, centre: usize, rows: i32, channels: i32, block: usize, total: usize, square: bool): void {
  memory.fill(block, 0, <usize>channels << 2);
  memory.fill(total, 0, <usize>channels << 3);
  const rowBytes = <usize>channels << 2;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      let v = v128.load(row + c);
      if (square) {
        v = f32x4.sub(v, v128.load(centre + c));
        v = f32x4.mul(v, v);
      }
      v128.store(block + c, f32x4.add(v128.load(block + c), v));
    }
    if ((r + 1) % BLOCK == 0) fold(block, total, channels);
  }
  fold(block, total, channels);
}

/**
 * y = x * scale + shift per channel, and the batch mean and (biased) variance. scratch:
 * 5 * channels floats (a block of float32 sums, float64 totals, the mean as float32, scale).
 */
export function batchNormForward(
  x: usize, y: usize, rows: i32, channels: i32, gamma: usize, beta: usize, epsilon: f64,
  mean: usize, variance: usize, scratch: usize,
): void {
  const block = scratch;
  const total = scratch + (<usize>channels << 2);
  const scale = total + (<usize>channels << 3);
  const shift = scale + (<usize>channels << 2);
  channelSums(x, 0, rows, channels, block, total, false);
  for (let c = 0; c < channels; c++) store<f32>(mean + (<usize>c << 2), <f32>(load<f64>(total + (<usize>c << 3)) / rows));
  channelSums(x, mean, rows, channels, block, total, true);
  for (let c = 0; c < channels; c++) {
    const at = <usize>c << 2;
    const v = load<f64>(total + (<usize>c << 3)) / rows;
    const s = <f64>load<f32>(gamma + at) / Math.sqrt(v + epsilon);
    store<f32>(variance + at, <f32>v);
    store<f32>(scale + at, <f32>s);
    store<f32>(shift + at, <f32>(<f64>load<f32>(beta + at) - <f64>load<f32>(mean + at) * s));
  }
  const rowBytes = <usize>channels << 2;
  for (let r = 0; r < rows; r++) {
    const from = x + <usize>r * rowBytes;
    const to = y + <usize>r * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      v128.store(to + c, f32x4.add(f32x4.mul(v128.load(from + c), v128.load(scale + c)), v128.load(shift + c)));
    }
  }
}

/**
 * dx, dgamma and dbeta from dy, x and the forward pass's mean and variance. scratch:
 * 9 * channels floats (two blocks of float32 sums, two float64 totals, three per-channel factors).
 */
export function batchNormBackward(
  dy: usize, x: usize, dx: usize, rows: i32, channels: i32, gamma: usize, mean: usize, variance: usize,
  epsilon: f64, dgamma: usize, dbeta: usize, scratch: usize,
): void {
  const n = <usize>channels;
  const dyBlock = scratch;
  const dyxBlock = dyBlock + (n << 2);
  const dyTotal = dyxBlock + (n << 2);
  const dyxTotal = dyTotal + (n << 3);
  const a = dyxTotal + (n << 3);
  const k = a + (n << 2);
  const offset = k + (n << 2);
  memory.fill(dyBlock, 0, n << 3);
  memory.fill(dyTotal, 0, n << 4);
  const rowBytes = n << 2;
  for (let r = 0; r < rows; r++) {
    const g = dy + <usize>r * rowBytes;
    const v = x + <usize>r * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      const d = v128.load(g + c);
      v128.store(dyBlock + c, f32x4.add(v128.load(dyBlock + c), d));
      v128.store(dyxBlock + c, f32x4.add(v128.load(dyxBlock + c), f32x4.mul(d, f32x4.sub(v128.load(v + c), v128.load(mean + c)))));
    }
    if ((r + 1) % BLOCK == 0) {
      fold(dyBlock, dyTotal, channels);
      fold(dyxBlock, dyxTotal, channels);
    }
  }
  fold(dyBlock, dyTotal, channels);
  fold(dyxBlock, dyxTotal, channels);
  // dx = a * dy + k * x + offset, the constants folded once per channel.
  for (let c = 0; c < channels; c++) {
    const at = <usize>c << 2;
    const rstd = 1 / Math.sqrt(<f64>load<f32>(variance + at) + epsilon);
    const sumDy = load<f64>(dyTotal + (<usize>c << 3));
    const dg = load<f64>(dyxTotal + (<usize>c << 3)) * rstd;
    const ac = <f64>load<f32>(gamma + at) * rstd;
    const kc = -ac * rstd * dg / rows;
    store<f32>(dgamma + at, <f32>dg);
    store<f32>(dbeta + at, <f32>sumDy);
    store<f32>(a + at, <f32>ac);
    store<f32>(k + at, <f32>kc);
    store<f32>(offset + at, <f32>(-ac * sumDy / rows - kc * <f64>load<f32>(mean + at)));
  }
  for (let r = 0; r < rows; r++) {
    const g = dy + <usize>r * rowBytes;
    const v = x + <usize>r * rowBytes;
    const to = dx + <usize>r * rowBytes;
    for (let c: usize = 0; c < rowBytes; c += 16) {
      const t = f32x4.add(f32x4.mul(v128.load(a + c), v128.load(g + c)), f32x4.mul(v128.load(k + c), v128.load(v + c)));
      v128.store(to + c, f32x4.add(t, v128.load(offset + c)));
    }
  }
}
