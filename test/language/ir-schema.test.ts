// schema.json is generated from src/language/ir/types.ts: a type changed without `npm run build:schema`
// fails here, so the types and the schema cannot drift apart.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { irSchemaText, schemaPath } from '../../scripts/build-schema.ts';

test('the committed src/language/ir/schema.json is exactly what `npm run build:schema` writes', () => {
  expect(readFileSync(schemaPath, 'utf8'), 'src/language/ir/schema.json is stale: run `npm run build:schema`').toBe(irSchemaText());
});
