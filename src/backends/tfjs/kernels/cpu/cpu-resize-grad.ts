import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from '../shared/wasm-calls.ts';

/**
 * The cpu engine's two resize gradients, which tfjs-backend-cpu 4.22 gets wrong:
 * ResizeNearestNeighborGrad reads dy at the input's batch offset (every image after the
 * first gets wrong gradients), and ResizeBilinearGrad returns its (correct) values with the
 * height and width of the shape swapped (a non-square map fails to train). Both are the
 * gradient of an upsampling layer. Found by test/backends/tfjs/op-gradients.test.ts.
 */

type CpuBackend = tf.KernelBackend & {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
};

const tfjsResizeBilinearGrad = tf.getKernel('ResizeBilinearGrad', 'cpu')!;

/** The source index the forward pass reads for output index o (tfjs' ResizeNearestNeighbor, halfPixelCenters off). */
function nearestSource(o: number, inSize: number, outSize: number, alignCorners: boolean): number {
  const corners = alignCorners && outSize > 1;
  const scale = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const frac = o * scale;
  return Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
}

/** dx[b, src(i), src(j), d] += dy[b, i, j, d]: the adjoint of the forward gather. */
function resizeNearestNeighborGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners } = attrs as unknown as { alignCorners: boolean };
  const cpu = backend as CpuBackend;
  const [batch, inH, inW, depth] = images.shape;
  const [, outH, outW] = dy.shape;
  const g = cpu.data.get(dy.dataId).values;
  const dx = new Float32Array(batch * inH * inW * depth);
  const rows = Array.from({ length: outH }, (_, i) => nearestSource(i, inH, outH, alignCorners));
  const cols = Array.from({ length: outW }, (_, j) => nearestSource(j, inW, outW, alignCorners));
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const to = ((b * inH + rows[i]) * inW + cols[j]) * depth;
        for (let d = 0; d < depth; d++) dx[to + d] += g[at++];
      }
    }
  }
  return cpu.makeTensorInfo(images.shape, 'float32', dx);
}

/** tfjs' own values, under the input's shape. */
function resizeBilinearGrad(args: KernelArgs): tf.TensorInfo {
  const { images } = args.inputs as { images: tf.TensorInfo };
  const out = tfjsResizeBilinearGrad.kernelFunc(args as never) as tf.TensorInfo;
  return { ...out, shape: images.shape };
}

export const cpuResizeGradConfigs: tf.KernelConfig[] = [
  { kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: resizeNearestNeighborGrad as unknown as tf.KernelFunc },
  { kernelName: 'ResizeBilinearGrad', backendName: 'cpu', kernelFunc: resizeBilinearGrad as unknown as tf.KernelFunc },
];
