// `unet import`: a PyTorch U-Net exported once by torch.onnx.export
// (test/fixtures/onnx/make_torch_unet.py; batch norms folded into the convs by the
// exporter) loaded into the spec of the same architecture, then run by us in onnxruntime
// and tfjs: both must reproduce PyTorch's own output.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { compileFile, readFromDisk } from '../../../src/node/compile-file.ts';
import type { Model } from '../../../src/language/ir/types.ts';
import { withInputSize } from '../../../src/language/shapes/infer.ts';
import { exportOnnx } from '../../../src/backends/onnx/export.ts';
import { weightsFromOnnx } from '../../../src/backends/onnx/import.ts';
import { createSession, runSession } from '../../../src/backends/onnx/runtime.ts';
import { setTfjsWeights } from '../../../src/backends/tfjs/weights.ts';
import { selectEngine } from '../../../src/backends/tfjs/engines.ts';
import { lowerModel } from '../../../src/backends/tfjs/lower.ts';

const DIR = 'test/fixtures/onnx';
const SPEC = `${DIR}/tiny-torch.unet`;
const TORCH_ONNX = readFileSync(`${DIR}/torch-unet.onnx`);
const IO = JSON.parse(readFileSync(`${DIR}/torch-unet-io.json`, 'utf8')) as {
  inputDims: number[];
  input: number[];
  outputDims: number[];
  output: number[];
};

function compile(replace?: [string, string]): Model {
  const read = (file: string) => {
    const r = readFromDisk(file);
    return replace && 'text' in r ? { text: r.text.replace(...replace) } : r;
  };
  const { model } = compileFile(SPEC, { read });
  if (!model) throw new Error(`${SPEC} does not compile`);
  return model;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, k) => Math.abs(v - b[k])));

describe('weightsFromOnnx on a torch.onnx.export of milesial-style modules', () => {
  test('our ONNX export of the imported weights reproduces PyTorch, batch norm folded and not', async () => {
    const model = compile();
    const weights = weightsFromOnnx(model, TORCH_ONNX);
    for (const foldBn of [false, true]) {
      const session = await createSession(exportOnnx(model, weights, { foldBn }));
      const output = await runSession(session, { data: Float32Array.from(IO.input), dims: IO.inputDims });
      expect(output.dims).toEqual(IO.outputDims);
      expect(maxDiff(output.data, IO.output)).toBeLessThan(1e-5);
    }
  });

  test('the tfjs model with the imported weights reproduces PyTorch', async () => {
    await selectEngine('cpu');
    const model = compile();
    const tfModel = lowerModel(withInputSize(model, IO.inputDims.slice(2)), { initialize: false }).model;
    setTfjsWeights(tfModel, model, weightsFromOnnx(model, TORCH_ONNX));
    const output = tf.tidy(() => {
      const x = tf.tensor(IO.input, IO.inputDims).transpose([0, 2, 3, 1]);
      return (tfModel.predict(x) as tf.Tensor).transpose([0, 3, 1, 2]).dataSync();
    });
    expect(maxDiff(output, IO.output)).toBeLessThan(1e-5);
  });

  test('the first mismatching layer is reported with both sides and the spec location', () => {
    const wider = compile(['filters 4 doubling', 'filters 8 doubling']);
    expect(() => weightsFromOnnx(wider, TORCH_ONNX)).toThrow(
      /^parametrised layer 1 does not match: the spec's conv enc1\.conv1 \(test\/fixtures\/onnx\/tiny-torch\.unet:\d+:\d+\) expects Conv with weight \[8, 3, 3, 3\]; the ONNX file has Conv '.+' with weight \[4, 3, 3, 3\] \(another weight shape\)$/,
    );
    const shallower = compile(['depth   2', 'depth   1']);
    expect(() => weightsFromOnnx(shallower, TORCH_ONNX)).toThrow(/parametrised layer \d+ does not match: the spec's conv_transpose dec1\.up/);
  });
});
