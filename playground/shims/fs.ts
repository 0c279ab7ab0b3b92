// The browser bundle's stand-in for node:fs: the page reads no files (compileSource gets a
// `read` that refuses every path), so reaching any of these is a bug.
function unavailable(path: unknown): never {
  throw new Error(`the playground cannot read ${String(path)}`);
}

export const constants = { O_RDONLY: 0, O_NONBLOCK: 0 };
export const openSync = unavailable;
export const fstatSync = unavailable;
export const readSync = unavailable;
export const closeSync = unavailable;
