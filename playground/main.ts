// The playground page: the spec editor on the left, the live diagram and shape table on the
// right, diagnostics under the editor. Everything runs in the browser (app.ts).
import attention from '../specs/attention.unet';
import milesial from '../specs/milesial.unet';
import ronneberger from '../specs/ronneberger2015.unet';
import unet3d from '../specs/unet3d.unet';
import { FILE, view, type View } from './app.ts';
import { diagramPane } from './diagram.ts';
import { specEditor } from './editor.ts';
import { saveEditorSpec } from './spec-store.ts';

const EXAMPLES: Record<string, string> = { ronneberger2015: ronneberger, milesial, unet3d, attention };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const examples = $<HTMLSelectElement>('examples');
const diagram = diagramPane($('diagram'));

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function show(v: View): void {
  // A failing spec keeps the last good diagram and table, dimmed, so the page does not jump
  // while typing.
  if (v.svg) {
    diagram.show(v.svg);
    $('shapes').innerHTML = v.rows
      .map((r) => `<tr><td>${escape(r.stage)}</td><td>${r.level}</td><td>${r.path}</td><td>${escape(r.output)}</td><td class="num">${r.params}</td></tr>`)
      .join('');
    $('total').textContent = v.params ?? '';
  }
  $('figure').classList.toggle('stale', !v.svg);
  $('table').classList.toggle('stale', !v.svg);
  $('problems').hidden = v.diagnostics.length === 0;
  $('diagnostics').innerHTML = v.diagnostics
    .map((d, i) => `<li class="${d.severity}" data-i="${i}"><b>${d.line}:${d.column}</b> ${escape(d.message)}${d.hint ? ` <i>${escape(d.hint)}</i>` : ''}</li>`)
    .join('');
  $('report').textContent = v.report;
  $('diagnostics').onclick = (e) => {
    const i = (e.target as HTMLElement).closest('li')?.dataset['i'];
    const d = i === undefined ? undefined : v.diagnostics[Number(i)];
    if (d && d.file === FILE) editor.select(d);
  };
  editor.showDiagnostics(v.diagnostics, FILE);
}

let timer: ReturnType<typeof setTimeout> | undefined;
const update = () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    show(view(editor.text()));
    saveEditorSpec(editor.text());
  }, 150);
};

const editor = specEditor($('editor'), ronneberger, update);
examples.innerHTML = Object.keys(EXAMPLES).map((k) => `<option>${k}</option>`).join('');
examples.onchange = () => {
  editor.setText(EXAMPLES[examples.value]!);
  clearTimeout(timer);
  show(view(editor.text()));
  saveEditorSpec(editor.text());
  diagram.reset();
};
$('reset').onclick = () => diagram.reset();
$('fit').onclick = () => diagram.fitAll();
show(view(editor.text()));
saveEditorSpec(editor.text());
