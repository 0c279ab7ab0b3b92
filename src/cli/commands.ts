// Every command of the `unet` CLI, in the order of `unet --help`. Each module is loaded
// only when its command runs: `unet check` should not pay for loading TensorFlow.js,
// onnxruntime and sharp, and `unet --help` loads none of them: it lists `term` and
// `description` from here (test/cli/commands.test.ts checks they match the modules).
// To add a command: one line here, one file exporting `register`.
import { Help, type Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** The command as `unet --help` lists it: name, [options], arguments. */
  term: string;
  description: string;
  load: () => Promise<{ register: (program: Command) => void }>;
}

export const commands: CommandEntry[] = [
  { name: 'check', term: 'check [options] <spec>', description: 'parse and check a spec: shapes, parameters, FLOPs, legal input sizes', load: () => import('./check.ts') },
  { name: 'fmt', term: 'fmt [options] <spec>', description: 'print a spec in canonical form', load: () => import('./fmt.ts') },
  { name: 'ir', term: 'ir [options] <spec>', description: 'print the IR (JSON) of a spec', load: () => import('./ir.ts') },
  { name: 'draw', term: 'draw [options] <spec>', description: 'draw the network as the U diagram of the U-Net paper (SVG or PNG)', load: () => import('./draw.ts') },
  { name: 'serve', term: 'serve [options]', description: 'the playground: edit a spec in the browser and see its U diagram and shapes live', load: () => import('./serve.ts') },
  { name: 'engines', term: 'engines', description: 'list the TensorFlow.js engines (gpu, webgpu, node, wasm, cpu) and whether each can be used', load: () => import('./engines.ts') },
  { name: 'train', term: 'train [options] <spec>', description: 'train a spec on the tfjs backend into a run directory (checkpoints, metrics, chart)', load: () => import('./train.ts') },
  { name: 'predict', term: 'predict [options] <model> <images...>', description: 'segment images with a trained run: a mask PNG and an overlay PNG per image (3D: a multi-page mask TIFF per volume)', load: () => import('./predict.ts') },
  { name: 'eval', term: 'eval [options] <model>', description: 'score a run (or an exported .onnx) on labelled data: Dice, IoU, pixel error, Rand error, V_info, warping error', load: () => import('./eval.ts') },
  { name: 'plan', term: 'plan [options]', description: "write a spec for a data set and a time budget: depth, filters, crop, batch, loss, augmentation from the data's fingerprint and a measured probe of this machine, each with its reason", load: () => import('./plan.ts') },
  { name: 'augment-preview', term: 'augment-preview [options] <spec>', description: "a PNG grid of training samples exactly as the spec's train section prepares them (augmentation, crop, weight map)", load: () => import('./augment-preview.ts') },
  { name: 'export', term: 'export [options] <spec|run-dir>', description: 'export a spec (seeded initial weights) or a training run (trained weights) as ONNX', load: () => import('./export.ts') },
  { name: 'import', term: 'import [options] <spec>', description: 'load the weights of an ONNX file whose graph matches the spec (e.g. from torch.onnx.export) into a run directory', load: () => import('./import.ts') },
  { name: 'emit', term: 'emit [options] <target> <spec|run-dir>', description: 'generate a PyTorch package (model.py, train.py for one or several GPUs, README.md)', load: () => import('./emit.ts') },
];

/**
 * Registers on `program` the command named in `argv` (`unet check ...`, `unet help check`)
 * from its module; with no such command (`unet`, `unet --help`, a typo) only the list from
 * the table, which is all that help and "unknown command" need.
 */
export async function registerCommands(program: Command, argv: string[]): Promise<void> {
  const named = argv[0] === 'help' ? argv[1] : argv[0];
  const requested = commands.find((c) => c.name === named);
  if (requested) {
    (await requested.load()).register(program);
    return;
  }
  for (const entry of commands) program.command(entry.name).description(entry.description);
  const terms = new Map(commands.map((c) => [c.name, c.term]));
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? standard.subcommandTerm(cmd) });
}
