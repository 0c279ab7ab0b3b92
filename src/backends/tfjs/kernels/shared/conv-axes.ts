import * as tf from '@tensorflow/tfjs';

/**
 * One spatial axis of a forward convolution y[i] = sum_p x[i*stride - padBefore + p*dilation] W[p].
 * The gradient kernels are written once over a list of these, for 2D and 3D alike.
 */
export interface ConvAxis {
  size: number;
  out: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBefore: number;
}

type Pad2d = tf.Conv2DAttrs['pad'];

/** The padding attribute of an NCHW conv, restated for the same conv computed in NHWC. */
export function channelsLastPad(pad: Pad2d, dataFormat: 'NHWC' | 'NCHW'): Pad2d {
  if (dataFormat === 'NHWC' || !Array.isArray(pad)) return pad;
  const [batch, channels, height, width] = pad;
  return [batch, height, width, channels];
}

type Info2d = Pick<tf.backend_util.Conv2DInfo,
  'inHeight' | 'outHeight' | 'filterHeight' | 'strideHeight' | 'dilationHeight' |
  'inWidth' | 'outWidth' | 'filterWidth' | 'strideWidth' | 'dilationWidth'> & { padInfo: { top: number; left: number } };

export function axes2d(info: Info2d): ConvAxis[] {
  return [
    { size: info.inHeight, out: info.outHeight, kernel: info.filterHeight, stride: info.strideHeight,
      dilation: info.dilationHeight, padBefore: info.padInfo.top },
    { size: info.inWidth, out: info.outWidth, kernel: info.filterWidth, stride: info.strideWidth,
      dilation: info.dilationWidth, padBefore: info.padInfo.left },
  ];
}

export function axes3d(info: tf.backend_util.Conv3DInfo): ConvAxis[] {
  return [
    { size: info.inDepth, out: info.outDepth, kernel: info.filterDepth, stride: info.strideDepth,
      dilation: info.dilationDepth, padBefore: info.padInfo.front },
    ...axes2d(info),
  ];
}

/**
 * Input positions the forward conv reads past the end of the input: (k-1)*d + (out-1)*s + 1
 * positions from -padBefore on. Positive means padding, negative means trailing input rows
 * that no output reads (valid padding with a stride that does not divide the size).
 */
export function padAfter(a: ConvAxis): number {
  return (a.kernel - 1) * a.dilation + (a.out - 1) * a.stride + 1 - a.size - a.padBefore;
}
