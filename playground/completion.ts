// Completion of the keywords valid where the cursor stands: only at the start of a
// statement, from the keyword table of the enclosing block (place.ts, scopes.ts), each with
// its syntax and doc, as the diagnostics' hints write them.
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { placeAt } from './place.ts';
import { keywordsIn } from './scopes.ts';

export function completeKeywords(context: CompletionContext): CompletionResult | null {
  const place = placeAt(context.state.doc.toString(), context.pos);
  if (!place.statementStart || place.scope === null) return null;
  // Without a word typed, offer the list only when asked (Ctrl-Space), not on every new line.
  if (!place.word && !context.explicit) return null;
  return {
    from: place.from,
    // The label is the keyword; the detail is what follows it in the syntax.
    options: keywordsIn(place.scope).map((k) => ({ label: k.name, type: 'keyword', detail: k.syntax.replace(new RegExp(`^${k.name}\\b\\s*`), ''), info: k.doc })),
    validFor: /^[A-Za-z_][A-Za-z0-9_]*$/,
  };
}
