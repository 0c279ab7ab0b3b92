// `unet engines`: which TensorFlow.js engines can run here, in the order `auto` tries them.
import type { Command } from 'commander';
import { listEngines } from '../backends/tfjs/engines.ts';

export function register(program: Command): void {
  program
    .command('engines')
    .description('list the TensorFlow.js engines (gpu, webgpu, node, wasm, cpu) and whether each can be used')
    .action(async () => {
      const rows = await listEngines();
      const width = (pick: (r: (typeof rows)[number]) => string) => Math.max(...rows.map((r) => pick(r).length));
      const nameWidth = width((r) => r.name);
      const statusWidth = width((r) => r.status);
      for (const r of rows) {
        const auto = r.notForAuto ? ` (not picked by auto: ${r.notForAuto})` : '';
        process.stdout.write(`${r.name.padEnd(nameWidth)}  ${r.status.padEnd(statusWidth)}  ${r.detail}${auto}\n`);
      }
      const first = rows.find((r) => r.status === 'available' && !r.notForAuto);
      process.stdout.write(`auto selects: ${first?.name ?? 'none'}\n`);
    });
}
