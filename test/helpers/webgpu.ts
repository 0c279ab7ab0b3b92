// The webgpu engine in tests: real WebGPU (Dawn) on SwiftShader, the Vulkan driver that
// Debian's `chromium` package ships, through the Vulkan loader of `libvulkan1`
// (docs/webgpu.md). Import this before anything selects an engine: the driver is chosen
// by environment variables Dawn reads when it starts.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { listEngines } from '../../src/backends/tfjs/engines.ts';
import { missingVulkan } from '../../src/backends/tfjs/webgpu-node.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // Without it the Vulkan loader warns on every start (harmless).
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
}

/** Why the webgpu tests cannot run here, naming the Debian packages; null when they can. */
async function whyNoWebGpu(): Promise<string | null> {
  if (!existsSync(SWIFTSHADER_ICD) && process.env.VK_ICD_FILENAMES === undefined) {
    return `${SWIFTSHADER_ICD} is missing (install the Debian package \`chromium\`, which ships SwiftShader's Vulkan driver)`;
  }
  const missing = missingVulkan();
  if (missing !== null) return `${missing} (install the Debian package \`libvulkan1\`)`;
  const webgpu = (await listEngines()).find((e) => e.name === 'webgpu')!;
  return webgpu.status === 'available' ? null : `the webgpu engine is ${webgpu.status}: ${webgpu.detail}`;
}

export const noWebGpu = await whyNoWebGpu();
if (noWebGpu !== null) console.warn(`skipping the webgpu engine's tests: ${noWebGpu}`);
export const hasWebGpu = noWebGpu === null;
