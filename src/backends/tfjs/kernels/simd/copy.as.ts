// AssemblyScript, compiled to WebAssembly SIMD by `npm run build:simd` (see build.ts).
//
// Strided copies of runs, the whole of Concat and SplitV along an axis: `count` runs of
// runBytes bytes, run k read at src + k * srcStride and written at dst + k * dstStride.
// A channel concat of two 16-channel maps is 2 x 32768 runs of 64 bytes: four v128 moves
// each, where per-element JavaScript or wasm's own Concat loop one float at a time.

export function copyRuns(src: usize, dst: usize, count: i32, runBytes: usize, srcStride: usize, dstStride: usize): void {
  for (let k = 0; k < count; k++) {
    const from = src + <usize>k * srcStride;
    const to = dst + <usize>k * dstStride;
    let b: usize = 0;
    for (; b + 16 <= runBytes; b += 16) v128.store(to + b, v128.load(from + b));
    for (; b < runBytes; b += 4) store<f32>(to + b, load<f32>(from + b));
  }
}
