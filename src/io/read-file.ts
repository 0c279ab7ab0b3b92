// The one reader of the files that runs, checkpoints, models and imports are made of. Every
// failure names the file and says what is wrong with it (missing, a folder, not JSON,
// not the expected content, too short), instead of a bare "Unexpected end of JSON input",
// "ir.nodes is not iterable" or ENOENT. It reads the path it is given: where a file lives
// (run layout, checkpoint layout) is the caller's business.
import { readFile } from 'node:fs/promises';

/** Why a file could not be read at all, in words, or the error itself when it is not a known case. */
function readFailure(path: string, what: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new Error(`${path}: does not exist (expected ${what})`);
  if (code === 'EISDIR') return new Error(`${path}: is a folder (expected ${what})`);
  if (code === 'EACCES') return new Error(`${path}: permission denied (reading ${what})`);
  return new Error(`${path}: cannot read ${what}: ${(error as Error).message}`);
}

/** The expected byte length of a binary file, and how it follows from the values it holds. */
export interface ExpectedSize {
  bytes: number;
  /** e.g. "4 bytes x 1024 values" */
  detail: string;
}

/** Expected size of `values` numbers of `width` bytes each. */
export const sizeOf = (values: number, width = 4): ExpectedSize => ({ bytes: values * width, detail: `${width} bytes x ${values} values` });

/** Reads a whole binary file; with `expected`, a file of another length is refused (truncated or not this file). */
export async function readBinaryFile(path: string, what: string, expected?: ExpectedSize): Promise<Buffer<ArrayBuffer>> {
  let bytes: Buffer<ArrayBuffer>;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw readFailure(path, what, error);
  }
  if (expected && bytes.length !== expected.bytes) {
    const verdict = bytes.length < expected.bytes ? 'the file is truncated' : 'the file is longer than its description says';
    throw new Error(`${path}: ${bytes.length} bytes, expected ${expected.bytes} (${expected.detail}): ${verdict}`);
  }
  return bytes;
}

/** Reads a UTF-8 text file (a run's spec.unet, ...). */
export async function readTextFile(path: string, what: string): Promise<string> {
  return (await readBinaryFile(path, what)).toString('utf8');
}

/**
 * Reads and parses a JSON file; `validate` (which throws with a message, or returns the
 * typed value) checks its content. Its message is prefixed with the path.
 */
export async function readJsonFile<T>(path: string, what: string, validate: (value: unknown) => T = (v) => v as T): Promise<T> {
  const text = await readTextFile(path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (truncated?): ${(error as Error).message}`);
  }
  try {
    return validate(value);
  } catch (error) {
    throw new Error(`${path}: not ${what}: ${(error as Error).message}`);
  }
}

/** A validator step: throws `message` unless `ok` (for the small structural checks of run files). */
export function expectThat(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}
