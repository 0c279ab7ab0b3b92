// unet-dsl, the library: the language core, browser-safe (no Node built-ins; the import
// check in test/architecture/ enforces it). Compile a spec to IR with located diagnostics,
// summarise its shapes and parameters, format it, draw it. Files, tfjs, ONNX and PyTorch:
// `unet-dsl/node`. The custom tfjs layers for a browser app: `unet-dsl/tfjs`.
export { compileFile, compileSource, noFiles, splitSpecName, type CompileOptions, type CompileResult } from './language/compile.ts';
export { formatDiagnostic, formatDiagnostics, hasErrors, type Diagnostic, type Severity } from './language/diagnostics.ts';
export { formatSpec, type FormatResult } from './language/format-spec.ts';
export { drawSvg } from './language/draw/index.ts';
export { IrError, validateModel } from './language/ir/validate.ts';
export type * from './language/ir/types.ts';
export type { ModelWeights, NodeWeights, WeightArray } from './language/ir/weights.ts';
export { formatShape, formatSize } from './language/shapes/format.ts';
export { legalSizeMessage, nearestLegal, type LegalSizes } from './language/shapes/legal.ts';
export { stageRows, trainingMemory, type StageRow } from './language/shapes/summary.ts';
export type { ReadFile } from './language/spec/resolve.ts';
