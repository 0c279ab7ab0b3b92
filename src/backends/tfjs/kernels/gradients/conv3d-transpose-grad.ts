import * as tf from '@tensorflow/tfjs';

/**
 * Gradient of Conv3DBackpropInputV2 (the forward pass of conv3dTranspose), which tfjs-core
 * 4.22 does not define on any backend: training a 3D U-Net with transposed up-convs stops
 * at "gradient function not found". It mirrors tfjs' own gradient of the 2D kernel
 * (Conv2DBackpropInput_grad.ts): the op is x -> A^T x for the conv A, so the gradient wrt
 * its input is the conv itself, A ddx, and wrt the filter it is the conv's dW with the
 * output gradient in the place of x.
 */
export const conv3DBackpropInputGradConfig: tf.GradConfig = {
  kernelName: 'Conv3DBackpropInputV2',
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
    const { strides, pad } = attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
    const grad = ddx as tf.Tensor5D;
    return {
      dy: () => tf.conv3d(grad, filter, strides, pad as 'valid' | 'same'),
      filter: () => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: grad, dy }, {
        strides, pad, filterShape: filter.shape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor,
    };
  },
};
