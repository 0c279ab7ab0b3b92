// The switch of our SIMD kernels, apart from their loader (simd/module.ts reads the .wasm
// files from disk), so the training loop can ask it in a browser too, where there is no
// process and the kernels are never registered.

/**
 * UNET_WASM_SIMD=0 turns our SIMD kernels off: the wasm engine then runs as before them
 * (XNNPACK's convs and its conv-shaped weight gradient, the JavaScript batch norm, the op
 * chain of each optimizer, wasm's own MaxPoolGrad, Concat and copying Identity), for
 * side-by-side benchmarks and for telling a numerical difference apart from a bug.
 */
export function simdKernelsEnabled(): boolean {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.UNET_WASM_SIMD !== '0';
}
