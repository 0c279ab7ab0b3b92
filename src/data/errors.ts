// Data problems are the user's to fix, so every error names the file and what is wrong.

/** A problem with input data: which file (or folder) and what is wrong with it. */
export class DataError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'DataError';
    this.path = path;
  }
}
