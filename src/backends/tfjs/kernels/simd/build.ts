/**
 * Compiles the AssemblyScript kernels (*.as.ts in this folder) into the committed *.wasm
 * beside them: `npm run build:simd`. test/backends/tfjs/simd.test.ts compiles them again in memory
 * and checks the committed binaries are what their sources compile to.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The kernel sources, by name (filter-gradient.as.ts -> filter-gradient); *.lib.as.ts are code they share, compiled into them. */
export function kernelNames(): string[] {
  return readdirSync(HERE).filter((f) => f.endsWith('.as.ts') && !f.endsWith('.lib.as.ts')).map((f) => f.slice(0, -'.as.ts'.length)).sort();
}

/** The .wasm of one kernel source: SIMD, optimised, no runtime (the kernels allocate nothing), no assertions. */
export async function compileKernel(name: string): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const { error, stderr } = await asc.main(
    [`${name}.as.ts`, '--enable', 'simd', '-O3', '--noAssert', '--runtime', 'stub', '--outFile', `${name}.wasm`, '--baseDir', HERE],
    {
      readFile: (file: string, dir: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : null),
      writeFile: (file: string, contents: Uint8Array) => {
        if (file.endsWith('.wasm')) binary = contents;
      },
      listFiles: () => [],
    } as never,
  );
  if (error || binary === null) throw new Error(`asc ${name}.as.ts: ${error?.message ?? 'no output'}\n${stderr.toString()}`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of kernelNames()) {
    const binary = await compileKernel(name);
    writeFileSync(new URL(`${name}.wasm`, import.meta.url), binary);
    console.log(`${name}.wasm: ${binary.length} bytes`);
  }
}
