// `unet check SPEC [--input CxHxW] [--batch B] [--json]`: what network a spec is, or exactly
// what is wrong with it.
import type { Command } from 'commander';
import { compileFile } from '../node/compile-file.ts';
import { formatDiagnostics, hasErrors } from '../language/diagnostics.ts';
import type { Model } from '../language/ir/types.ts';
import { legalSizeMessage } from '../language/shapes/legal.ts';
import { stageRows, trainingMemory } from '../language/shapes/summary.ts';
import { formatCount, formatShape } from '../language/shapes/format.ts';
import { parseInputOption } from './spec-input.ts';

const giga = (n: number | null) => (n === null ? 'depends on the input size' : `${(n / 1e9).toFixed(2)} G`);
const mib = (n: number | null) => (n === null ? 'depends on the input size' : `${(n / 2 ** 20).toFixed(0)} MiB`);

function table(model: Model): string {
  const rows = stageRows(model).map((r) => [r.stage, r.path === 'input' ? '' : String(r.level), r.path, formatShape(model, r.output), formatCount(r.params)]);
  const header = ['stage', 'level', 'path', 'output (C x spatial)', 'parameters'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function totals(model: Model, batch: number): string {
  const t = model.totals;
  const lines = [
    ['network', `${model.name} (${model.dims}D, ${model.padding} padding, depth ${model.depth})`],
    ['input', formatShape(model, model.input)],
    ['output', `${formatShape(model, model.output)} (${model.output.activation})`],
    ['parameters', formatCount(t.params)],
    ['conv layers', String(t.convLayers)],
    ['FLOPs', `${giga(t.flops)} (2 x multiply-adds of the convolutions)`],
    ['receptive field', t.receptiveField === null ? 'the whole input (global pooling)' : `${t.receptiveField} px`],
    ['legal input sizes', legalSizeMessage(model.legalSizes)],
    [`training memory`, `${mib(trainingMemory(model, batch))} at batch ${batch} (estimate)`],
  ];
  return lines.map(([k, v]) => `${k!.padEnd(18)}${v}`).join('\n');
}

export function register(program: Command): void {
  program
    .command('check')
    .description('parse and check a spec: shapes, parameters, FLOPs, legal input sizes')
    .argument('<spec>', 'a .unet spec or an IR .json file')
    .option('--input <CxHxW>', 'input size (overrides the spec), e.g. 1x572x572 or 3x?x?', parseInputOption)
    .option('--batch <B>', 'batch size for the memory estimate', (v) => Number.parseInt(v, 10), 1)
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  unet check specs/ronneberger2015.unet --input 1x572x572')
    .action((path: string, opts: { input?: (number | null)[]; batch: number; json?: boolean }) => {
      const result = compileFile(path, opts.input ? { input: opts.input } : {});
      const model = result.model;
      const failed = hasErrors(result.diagnostics) || !model;
      if (opts.json) {
        const shape = (s: Model['input']) => [s.channels, ...s.size];
        const out = {
          name: model?.name ?? null,
          params: model?.totals.params ?? null,
          flops: model?.totals.flops ?? null,
          macs: model?.totals.macs ?? null,
          convLayers: model?.totals.convLayers ?? null,
          receptiveField: model?.totals.receptiveField ?? null,
          input: model ? shape(model.input) : null,
          output: model ? shape(model.output) : null,
          legalSizes: model?.legalSizes ?? null,
          memory: model ? trainingMemory(model, opts.batch) : null,
          stages: model ? stageRows(model).map((r) => ({ stage: r.stage, path: r.path, level: r.level, output: shape(r.output), params: r.params })) : [],
          diagnostics: result.diagnostics.map(({ severity, code, message, file, line, column, hint }) => ({ severity, code, message, file, line, column, ...(hint ? { hint } : {}) })),
        };
        process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        if (result.diagnostics.length) process.stderr.write(formatDiagnostics(result.diagnostics, result.sources) + '\n');
        if (model) process.stdout.write(`${table(model)}\n\n${totals(model, opts.batch)}\n`);
      }
      if (failed) process.exitCode = 1;
    });
}
