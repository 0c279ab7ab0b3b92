// Our own WebAssembly SIMD kernels (AssemblyScript sources *.as.ts beside this file,
// compiled by `npm run build:simd` into the committed *.wasm). Each thread instantiates a
// module once, with a memory of its own that grows to the largest call: arguments are
// copied in and results out, so the kernels never touch tfjs' heap.
import { readFileSync } from 'node:fs';

const PAGE = 65536;
/** The first page is left to the module itself (AssemblyScript's static area, empty today). */
const BASE = PAGE;

export { simdKernelsEnabled } from '../shared/simd-switch.ts';

/**
 * The most Winograd's tile buffers may take (the transformed input and output tiles, four
 * times the input and output maps): above it, as for a single-threaded prediction of a large
 * image, the direct kernels run instead, which need no more than a copy of the maps. A wasm
 * memory holds 4 GiB at most.
 */
export const WINOGRAD_TILE_BYTES = 256 * 2 ** 20;

/** Whether Winograd's tiles of an oh x ow output (n images, ci in, co out) fit in WINOGRAD_TILE_BYTES. */
export function winogradTilesFit(n: number, oh: number, ow: number, ci: number, co: number): boolean {
  const tiles = n * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  return 16 * tiles * (ci + co) * 4 <= WINOGRAD_TILE_BYTES;
}

export class SimdModule<Exports extends Record<string, unknown>> {
  private instance: WebAssembly.Instance | null = null;

  /** `file`: the .wasm, relative to this folder. */
  constructor(private readonly file: string) {}

  private get memory(): WebAssembly.Memory {
    return this.load().exports.memory as WebAssembly.Memory;
  }

  private load(): WebAssembly.Instance {
    this.instance ??= new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL(this.file, import.meta.url))), {
      env: { abort: () => { throw new Error(`${this.file}: abort`); } },
    });
    return this.instance;
  }

  get exports(): Exports {
    return this.load().exports as unknown as Exports;
  }

  /**
   * Lays out float32 arrays of the given lengths one after another (16-byte aligned, for
   * v128 loads) after BASE, growing the memory if needed; returns their byte offsets and
   * views (taken after growing, which detaches older views).
   */
  arrays(lengths: number[]): { offsets: number[]; views: Float32Array[] } {
    const offsets: number[] = [];
    let end = BASE;
    for (const n of lengths) {
      offsets.push(end);
      end += Math.ceil((n * 4) / 16) * 16;
    }
    const memory = this.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    return { offsets, views: offsets.map((o, i) => new Float32Array(memory.buffer, o, lengths[i])) };
  }
}
