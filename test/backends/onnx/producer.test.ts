// The exporter's producer constant is the package's name and version (a release that bumps
// package.json fails here until src/backends/onnx/producer.ts says the same).
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { PRODUCER } from '../../../src/backends/onnx/producer.ts';

test('PRODUCER equals package.json name and version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  expect(PRODUCER).toEqual({ name: pkg.name, version: pkg.version });
});
