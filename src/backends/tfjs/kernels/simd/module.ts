// Our own WebAssembly SIMD kernels (AssemblyScript sources *.as.ts beside this file,
// compiled by `npm run build:simd` into the committed *.wasm). Each thread instantiates a
// module once, with a memory of its own that grows to the largest call: arguments are
// copied in and results out, so the kernels never touch tfjs' heap.
//
// Loading: in Node a module is read from disk and compiled when first used (synchronously:
// the kernels are synchronous). A browser may not compile a module over 4 KB synchronously
// on its main thread, so a page fetches and instantiates them all first (preloadSimdKernels,
// the playground's engine start). This file imports nothing of Node: it asks the running
// Node for its fs module (process.getBuiltinModule), which a browser does not have.

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

/** Every kernel module, by file name (the SimdModules of src/backends/tfjs). */
export const SIMD_FILES = ['batch-norm.wasm', 'conv2d.wasm', 'copy.wasm', 'filter-gradient.wasm', 'max-pool-grad.wasm', 'optimizer-step.wasm', 'weighted-sum.wasm'] as const;

/** Instances made ahead by preloadSimdKernels (one per file, for this thread). */
const preloaded = new Map<string, WebAssembly.Instance>();

const imports = (file: string): WebAssembly.Imports => ({
  env: { abort: () => { throw new Error(`${file}: abort`); } },
});

/**
 * Fetches and instantiates every kernel module ahead of use, as a browser must (no
 * synchronous compile of modules over 4 KB on its main thread). `bytes(file)` gives a
 * module's bytes, e.g. fetched beside the page.
 */
export async function preloadSimdKernels(bytes: (file: string) => Promise<ArrayBuffer>): Promise<void> {
  await Promise.all(
    SIMD_FILES.filter((file) => !preloaded.has(file)).map(async (file) => {
      const { instance } = await WebAssembly.instantiate(await bytes(file), imports(file));
      preloaded.set(file, instance);
    }),
  );
}

/** Node's fs module when running in Node (process.getBuiltinModule, Node 20.16+), else null. */
function nodeFs(): { readFileSync(path: URL): Uint8Array } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:fs') as { readFileSync(path: URL): Uint8Array } | undefined) ?? null;
}

export class SimdModule<Exports extends Record<string, unknown>> {
  private instance: WebAssembly.Instance | null = null;

  /** `file`: the .wasm, relative to this folder (one of SIMD_FILES). */
  constructor(private readonly file: (typeof SIMD_FILES)[number]) {}

  private get memory(): WebAssembly.Memory {
    return this.load().exports.memory as WebAssembly.Memory;
  }

  private load(): WebAssembly.Instance {
    if (this.instance) return this.instance;
    const ready = preloaded.get(this.file);
    if (ready) return (this.instance = ready);
    const fs = nodeFs();
    if (fs === null) throw new Error(`the SIMD kernel ${this.file} is not loaded: a page calls preloadSimdKernels before training on wasm`);
    this.instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(new URL(this.file, import.meta.url)) as BufferSource), imports(this.file));
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
