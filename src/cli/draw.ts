// `unet draw SPEC [--input CxHxW] --out FILE.svg|FILE.png`: the U diagram of the U-Net
// paper's Figure 1, drawn from the IR.
import type { Command } from 'commander';
import { drawSvg } from '../language/draw/index.ts';
import { diagramFormat, writeDiagram } from '../app/draw-output.ts';
import { loadModel, parseInputOption } from './spec-input.ts';

export function register(program: Command): void {
  program
    .command('draw')
    .description('draw the network as the U diagram of the U-Net paper (SVG or PNG)')
    .argument('<spec>', 'a .unet spec or an IR .json file')
    .requiredOption('--out <file>', 'the diagram: FILE.svg or FILE.png')
    .option('--input <CxHxW>', 'input size (overrides the spec), e.g. 1x572x572 or 3x?x?', parseInputOption)
    .addHelpText('after', '\nExample:\n  unet draw specs/ronneberger2015.unet --out unet.png')
    .action(async (path: string, opts: { out: string; input?: (number | null)[] }) => {
      diagramFormat(opts.out); // a bad extension fails before compiling
      const { model } = loadModel(path, opts.input ? { input: opts.input } : {});
      if (!model) return;
      await writeDiagram(opts.out, drawSvg(model));
      process.stdout.write(`wrote ${opts.out}\n`);
    });
}
