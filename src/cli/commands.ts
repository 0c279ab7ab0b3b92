// Every command of the `unet` CLI, in the order of `unet --help`. Each module is loaded
// only when its command runs: `unet check` should not pay for loading TensorFlow.js,
// onnxruntime and sharp. To add a command: one line here, one file exporting `register`.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  load: () => Promise<{ register: (program: Command) => void }>;
}

export const commands: CommandEntry[] = [
  { name: 'check', load: () => import('./check.ts') },
  { name: 'fmt', load: () => import('./fmt.ts') },
  { name: 'ir', load: () => import('./ir.ts') },
  { name: 'draw', load: () => import('./draw.ts') },
  { name: 'serve', load: () => import('./serve.ts') },
  { name: 'engines', load: () => import('./engines.ts') },
  { name: 'train', load: () => import('./train.ts') },
  { name: 'predict', load: () => import('./predict.ts') },
  { name: 'eval', load: () => import('./eval.ts') },
  { name: 'augment-preview', load: () => import('./augment-preview.ts') },
  { name: 'export', load: () => import('./export.ts') },
  { name: 'import', load: () => import('./import.ts') },
  { name: 'emit', load: () => import('./emit.ts') },
];
