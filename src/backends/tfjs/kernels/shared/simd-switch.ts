// The switches of our SIMD kernels (environment variables in Node), apart from their loader,
// so the kernels and the training loop can ask them in a page too, where there is no process
// and both are on.

/**
 * UNET_WASM_SIMD=0 turns our SIMD kernels off: the wasm engine then runs as before them
 * (XNNPACK's convs and its conv-shaped weight gradient, the JavaScript batch norm, the op
 * chain of each optimizer, wasm's own MaxPoolGrad, Concat and copying Identity), for
 * side-by-side benchmarks and for telling a numerical difference apart from a bug.
 */
export function simdKernelsEnabled(): boolean {
  return env('UNET_WASM_SIMD') !== '0';
}

/** UNET_WINOGRAD=0 turns the Winograd convolutions off (the direct SIMD kernels run instead). */
export function winogradEnabled(): boolean {
  return env('UNET_WINOGRAD') !== '0';
}

/** An environment variable in Node; undefined in a page, which has no process. */
function env(name: string): string | undefined {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];
}
