// The editor's spec, kept in the browser's localStorage so the network page (same site, another
// page) can train it. Storage may be off (private windows, file://): then nothing is kept.
const KEY = 'unet-playground:spec';

export function saveEditorSpec(text: string): void {
  try {
    localStorage.setItem(KEY, text);
  } catch {
    // No storage here: the network page then says the editor's spec is not available.
  }
}

/** The spec last in the editor, or null when none was kept. */
export function editorSpec(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
