// The one onnxruntime-web file the network page loads at run time, beside network.js: the
// WebAssembly build of `onnxruntime-web/webgpu` (1.30: the asyncify build, which holds both the
// WebGPU and the CPU (wasm) execution providers; its JavaScript glue is inside the bundle).
// playground/build.ts bundles it into the site; onnx.ts points ort.env.wasm.wasmPaths at it.
export const ORT_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';
