// The library's Node entry (package "unet-dsl/node"), and the custom layers a browser app
// registers ("unet-dsl/tfjs") to load a run's model.json.
import { describe, expect, it } from 'vitest';
import { registerLayers } from '../../src/backends/tfjs/layers/index.ts';
import { buildModel, compileFile, exportOnnx, packageFiles, weightsFromTfjs } from '../../src/node/index.ts';

describe('unet-dsl/node', () => {
  it('compiles a file, builds the tfjs model, exports ONNX bytes and the PyTorch package', () => {
    const { model } = compileFile('specs/ellipses.unet');
    expect(model).not.toBeNull();
    const tfModel = buildModel(model!);
    expect(tfModel.outputs[0]!.shape).toEqual([null, 64, 64, 2]);
    const onnx = exportOnnx(model!, weightsFromTfjs(tfModel, model!));
    expect(onnx).toBeInstanceOf(Uint8Array);
    expect(onnx.length).toBeGreaterThan(1000);
    expect([...packageFiles(model!, { origin: 'specs/ellipses.unet' }).keys()]).toContain('model.py');
    tfModel.dispose();
  });
});

describe('unet-dsl/tfjs', () => {
  it('registerLayers names every custom layer class tf.loadLayersModel may meet', () => {
    expect(registerLayers()).toEqual(expect.arrayContaining(['UnetGroupNorm', 'UnetResize', 'UnetCrop3D', 'BatchNormalization']));
  });
});
