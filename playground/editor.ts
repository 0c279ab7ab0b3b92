// The spec editor: CodeMirror 6 with the `.unet` highlighting, keyword completion and the
// lint panel's squiggles. The page sets the diagnostics itself (setDiagnostics) from the one
// compile that also draws the diagram, instead of a second compile in a linter.
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { classHighlighter } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import type { Diagnostic } from '../src/language/diagnostics.ts';
import { completeKeywords } from './completion.ts';
import { unetLanguage } from './highlight.ts';
import { offsetOf, toLint } from './lint.ts';

export interface SpecEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  showDiagnostics(diagnostics: readonly Diagnostic[], file: string): void;
  /** Selects a diagnostic's span (1-based lines and columns) and focuses the editor. */
  select(d: Diagnostic): void;
}

export function specEditor(parent: HTMLElement, text: string, onChange: () => void): SpecEditor {
  const view = new EditorView({
    parent,
    doc: text,
    extensions: [
      basicSetup,
      unetLanguage,
      unetLanguage.data.of({ autocomplete: completeKeywords }),
      // tok-* classes (styled in index.html) instead of generated ones: stable for tests.
      syntaxHighlighting(classHighlighter),
      lintGutter(),
      EditorView.contentAttributes.of({ 'aria-label': 'spec' }),
      EditorView.updateListener.of((u) => u.docChanged && onChange()),
    ],
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (t) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } }),
    showDiagnostics: (diagnostics, file) => view.dispatch(setDiagnostics(view.state, toLint(diagnostics, view.state.doc, file))),
    select(d) {
      const doc = view.state.doc;
      view.dispatch({ selection: { anchor: offsetOf(doc, d.line, d.column), head: offsetOf(doc, d.endLine, d.endColumn) }, scrollIntoView: true });
      view.focus();
    },
  };
}
