// The browser bundle's stand-in for commander: src/cli/spec-input.ts (formatShape) imports
// its error class, and nothing in the page parses a command line.
export class InvalidArgumentError extends Error {}
