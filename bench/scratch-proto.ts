import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');
const eng = tf.engine();
function time(name: string, f: () => tf.Tensor) {
  f().dispose();
  const t0 = performance.now(); const r = f(); r.dataSync(); const ms = performance.now() - t0; r.dispose();
  console.log(name, ms.toFixed(1), 'ms');
}
for (const [N, H, C] of [[4, 128, 16], [4, 64, 32], [4, 8, 256]]) {
  const x = tf.randomNormal([N, H, H, C]) as tf.Tensor4D;
  const dy = tf.randomNormal([N, H, H, C]) as tf.Tensor4D;
  console.log('size', N, H, C);
  // conv formulation: X' [ci,H,W,N] (*) dy' [oh,ow,N,co], pad 1 -> [ci,3,3,co]
  time('conv-form', () => tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]); const ft = tf.transpose(dy, [1, 2, 0, 3]);
    const o = eng.runKernel('Conv2D', { x: xt, filter: ft }, { strides: [1, 1], pad: [[0, 0], [1, 1], [1, 1], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] }) as tf.Tensor4D;
    return tf.transpose(o, [1, 2, 0, 3]);
  }));
  // matmul per tap
  time('matmul-per-tap', () => tf.tidy(() => {
    const xp = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const d2 = dy.reshape([N * H * H, C]);
    const taps: tf.Tensor[] = [];
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
      const s = tf.slice(xp, [0, p, q, 0], [N, H, H, C]).reshape([N * H * H, C]);
      taps.push(tf.matMul(s, d2, true, false));
    }
    return tf.stack(taps).reshape([3, 3, C, C]);
  }));
  // im2col single matmul
  time('im2col', () => tf.tidy(() => {
    const xp = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const taps: tf.Tensor[] = [];
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) taps.push(tf.slice(xp, [0, p, q, 0], [N, H, H, C]));
    const cols = tf.concat(taps, 3).reshape([N * H * H, 9 * C]);
    return tf.matMul(cols, dy.reshape([N * H * H, C]), true, false).reshape([3, 3, C, C]);
  }));
  time('fwd conv ref', () => tf.conv2d(x, tf.randomNormal([3, 3, C, C]) as tf.Tensor4D, 1, 'same'));
  time('builtin bpi', () => tf.conv2dTranspose(dy, tf.randomNormal([3, 3, C, C]) as tf.Tensor4D, [N, H, H, C], 1, 'same'));
}
