// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// One optimizer update of one variable in place: the rules of ../../train/optimizers.ts
// (torch.optim's), operation for operation in float32 with the same float32 constants, so
// the result is bit for bit the one of the chain of tfjs ops it replaces (a test checks).
// On wasm that chain is about ten kernel calls a variable; here it is one sweep.
//
// Every array holds n floats; n need not be a multiple of 4 (the tail is done in scalars
// with the same operations).

/** g + wd * w, the gradient with torch.optim's L2 weight decay (none when wd is 0). */
@inline function decayed(g: v128, w: v128, wd: v128, decay: bool): v128 {
  return decay ? f32x4.add(g, f32x4.mul(wd, w)) : g;
}

/** The same for one value of the scalar tail. */
@inline function decayedScalar(g: f32, w: f32, wd: f32, decay: bool): f32 {
  return decay ? g + wd * w : g;
}

/** SGD: buf = mu buf + g; w -= lr (nesterov ? g + mu buf : buf); without momentum w -= lr g. */
export function sgdStep(w: usize, g: usize, buf: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, weightDecay: f32): void {
  const decay = weightDecay != 0;
  const useMomentum = momentum != 0;
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(momentum), vwd = f32x4.splat(weightDecay);
  const bytes = <usize>n << 2;
  let at: usize = 0;
  for (; at + 16 <= bytes; at += 16) {
    const wv = v128.load(w + at);
    const gv = decayed(v128.load(g + at), wv, vwd, decay);
    let d = gv;
    if (useMomentum) {
      const b = f32x4.add(f32x4.mul(vmu, v128.load(buf + at)), gv);
      v128.store(buf + at, b);
      d = nesterov ? f32x4.add(gv, f32x4.mul(vmu, b)) : b;
    }
    v128.store(w + at, f32x4.sub(wv, f32x4.mul(vlr, d)));
  }
  for (; at < bytes; at += 4) {
    const wv = load<f32>(w + at);
    const gv = decayedScalar(load<f32>(g + at), wv, weightDecay, decay);
    let d = gv;
    if (useMomentum) {
      const b = momentum * load<f32>(buf + at) + gv;
      store<f32>(buf + at, b);
      d = nesterov ? gv + momentum * b : b;
    }
    store<f32>(w + at, wv - lr * d);
  }
}

/**
 * Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr (m / c1) / (sqrt(v / c2) + eps),
 * c1 = 1 - b1^step and c2 = 1 - b2^step (bias corrections), each constant a float32 given by the caller.
 */
export function adamStep(
  w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, c1: f32, c2: f32, epsilon: f32, weightDecay: f32,
): void {
  const decay = weightDecay != 0;
  const vlr = f32x4.splat(lr), vb1 = f32x4.splat(beta1), vb1c = f32x4.splat(oneMinusBeta1);
  const vb2 = f32x4.splat(beta2), vb2c = f32x4.splat(oneMinusBeta2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const veps = f32x4.splat(epsilon), vwd = f32x4.splat(weightDecay);
  const bytes = <usize>n << 2;
  let at: usize = 0;
  for (; at + 16 <= bytes; at += 16) {
    const wv = v128.load(w + at);
    const gv = decayed(v128.load(g + at), wv, vwd, decay);
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + at)), f32x4.mul(vb1c, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + at)), f32x4.mul(vb2c, f32x4.mul(gv, gv)));
    v128.store(m + at, mv);
    v128.store(v + at, vv);
    const update = f32x4.div(f32x4.div(mv, vc1), f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps));
    v128.store(w + at, f32x4.sub(wv, f32x4.mul(vlr, update)));
  }
  for (; at < bytes; at += 4) {
    const wv = load<f32>(w + at);
    const gv = decayedScalar(load<f32>(g + at), wv, weightDecay, decay);
    const mv = beta1 * load<f32>(m + at) + oneMinusBeta1 * gv;
    const vv = beta2 * load<f32>(v + at) + oneMinusBeta2 * (gv * gv);
    store<f32>(m + at, mv);
    store<f32>(v + at, vv);
    store<f32>(w + at, wv - lr * ((mv / c1) / (Mathf.sqrt(vv / c2) + epsilon)));
  }
}

/** RMSprop: sq = a sq + (1 - a) g^2; s = g / (sqrt(sq) + eps); w -= lr s, or with momentum buf = mu buf + s, w -= lr buf. */
export function rmspropStep(
  w: usize, g: usize, sq: usize, buf: usize, n: i32, lr: f32,
  alpha: f32, oneMinusAlpha: f32, epsilon: f32, momentum: f32, weightDecay: f32,
): void {
  const decay = weightDecay != 0;
  const useMomentum = momentum != 0;
  const vlr = f32x4.splat(lr), va = f32x4.splat(alpha), vac = f32x4.splat(oneMinusAlpha);
  const veps = f32x4.splat(epsilon), vmu = f32x4.splat(momentum), vwd = f32x4.splat(weightDecay);
  const bytes = <usize>n << 2;
  let at: usize = 0;
  for (; at + 16 <= bytes; at += 16) {
    const wv = v128.load(w + at);
    const gv = decayed(v128.load(g + at), wv, vwd, decay);
    const s = f32x4.add(f32x4.mul(va, v128.load(sq + at)), f32x4.mul(vac, f32x4.mul(gv, gv)));
    v128.store(sq + at, s);
    let d = f32x4.div(gv, f32x4.add(f32x4.sqrt(s), veps));
    if (useMomentum) {
      d = f32x4.add(f32x4.mul(vmu, v128.load(buf + at)), d);
      v128.store(buf + at, d);
    }
    v128.store(w + at, f32x4.sub(wv, f32x4.mul(vlr, d)));
  }
  for (; at < bytes; at += 4) {
    const wv = load<f32>(w + at);
    const gv = decayedScalar(load<f32>(g + at), wv, weightDecay, decay);
    const s = alpha * load<f32>(sq + at) + oneMinusAlpha * (gv * gv);
    store<f32>(sq + at, s);
    let d = gv / (Mathf.sqrt(s) + epsilon);
    if (useMomentum) {
      d = momentum * load<f32>(buf + at) + d;
      store<f32>(buf + at, d);
    }
    store<f32>(w + at, wv - lr * d);
  }
}
