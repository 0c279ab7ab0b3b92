// The browser bundle's stand-in for node:fs: the page reads no files (compileSource gets a
// `read` that returns undefined), so reaching this is a bug.
export function readFileSync(path: string): never {
  throw new Error(`the playground cannot read ${path}`);
}
