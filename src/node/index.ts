// unet-dsl/node: the library with Node: everything of the core (unet-dsl), plus specs read
// from disk, the tfjs model of an IR, ONNX bytes, the PyTorch package.
export * from '../index.ts';
export { compileFile, readFromDisk } from './compile-file.ts';
export { buildModel, type BuildOptions } from '../backends/tfjs/build.ts';
export { loadModel, saveModel } from '../backends/tfjs/io.ts';
export { setTfjsWeights, weightsFromTfjs } from '../backends/tfjs/weights.ts';
export { exportOnnx, type ExportOptions } from '../backends/onnx/export.ts';
export { emitTorch, packageFiles, type EmitOptions } from '../backends/torch/emit.ts';
