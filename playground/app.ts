// What the playground shows for the text in its editor: the diagram, the shape table and
// the diagnostics, computed in the browser by the same front end as the CLI. No DOM here.
import { formatCount, formatShape } from '../src/language/shapes/format.ts';
import { compileSource } from '../src/language/compile.ts';
import { formatDiagnostics, type Diagnostic } from '../src/language/diagnostics.ts';
import { drawSvg } from '../src/language/draw/index.ts';
import { stageRows } from '../src/language/shapes/summary.ts';

export const FILE = 'playground.unet';

export interface View {
  /** The diagram without its XML prolog (ready for innerHTML), or null when the spec fails. */
  svg: string | null;
  rows: Array<{ stage: string; level: string; path: string; output: string; params: string }>;
  /** The model's parameter count, formatted, or null when the spec fails. */
  params: string | null;
  diagnostics: Diagnostic[];
  /** The diagnostics with code frames, as `unet check` prints them. */
  report: string;
}

export function view(text: string): View {
  // Imports cannot be followed in the browser: the page has no file system.
  const result = compileSource(text, FILE, { read: () => ({ error: 'is not available: the playground reads no files' }) });
  const model = result.model;
  return {
    svg: model ? drawSvg(model).replace(/^<\?xml[^>]*>\n/, '') : null,
    rows: model
      ? stageRows(model).map((r) => ({ stage: r.stage, level: r.path === 'input' ? '' : String(r.level), path: r.path, output: formatShape(model, r.output), params: formatCount(r.params) }))
      : [],
    params: model ? formatCount(model.totals.params) : null,
    diagnostics: result.diagnostics,
    report: formatDiagnostics(result.diagnostics, result.sources),
  };
}
