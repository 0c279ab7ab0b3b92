// The wasm engine's files beside network.js in the site: tfjs-backend-wasm's three builds
// (tfjs picks one by the browser's SIMD and thread support; threads need a cross-origin
// isolated page, which static hosts rarely give) and the project's SIMD training kernels,
// flat as simd-<name>.wasm. playground/build.ts bundles them; engine.ts loads them.
import { SIMD_FILES } from '../../src/backends/tfjs/kernels/simd/module.ts';

export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** A SIMD kernel's name in the site. */
export const simdSiteName = (file: string): string => `simd-${file}`;

export const SIMD_SITE_FILES = SIMD_FILES.map(simdSiteName);
