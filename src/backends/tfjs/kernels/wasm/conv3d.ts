import * as tf from '@tensorflow/tfjs';
import { type KernelArgs, WasmCalls } from '../shared/wasm-calls.ts';

/**
 * Conv3D for wasm as a sum of XNNPACK Conv2Ds, one per depth tap. wasm's own Conv3D is a
 * plain loop (0.4 GFLOP/s on a 32^3 x 16 -> 16 layer); our 3D gradients are Conv3Ds too.
 *
 * y[n, i, ., ., o] = sum_a conv2d(x[n, i*s - pf + a*d, ., ., .], W[a]): for depth tap a the
 * input planes a*d, a*d + s, .. (after padding the depth axis by pf) are stacked into the
 * batch axis, so each tap is one Conv2D over n*outDepth images.
 */
function conv3d({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dilations } = attrs as unknown as tf.Conv3DAttrs;
  const info = tf.backend_util.computeConv3DInfo(
    x.shape as [number, number, number, number, number],
    filter.shape as [number, number, number, number, number],
    strides, dilations, pad,
  );
  const calls = new WasmCalls(backend);
  const [kd, kh, kw, ci, co] = filter.shape;
  const { outDepth, strideDepth, dilationDepth, padInfo } = info;
  const padded = calls.pad(x, [[padInfo.front, padInfo.back], [0, 0], [0, 0]]);
  const terms = Array.from({ length: kd }, (_, a) => {
    const tap = calls.reshape(calls.run('Slice', { x: filter }, { begin: [a, 0, 0, 0, 0], size: [1, kh, kw, ci, co] }), [kh, kw, ci, co]);
    return calls.run('Conv2D', { x: calls.depthPlanes(padded, a * dilationDepth, outDepth, strideDepth), filter: tap }, {
      strides: [info.strideHeight, info.strideWidth],
      dilations: [info.dilationHeight, info.dilationWidth],
      pad: [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]],
      dataFormat: 'NHWC',
    } as unknown as tf.NamedAttrMap);
  });
  const sum = terms.length === 1 ? terms[0] : calls.runOnList('AddN', terms);
  return calls.finish(calls.reshape(sum, info.outShape));
}

export const conv3DConfig: tf.KernelConfig = {
  kernelName: 'Conv3D',
  backendName: 'wasm',
  kernelFunc: conv3d as unknown as tf.KernelFunc,
};
