// Writes src/language/ir/schema.json from the types of src/language/ir/types.ts (`npm run build:schema`), so
// the IR has one source of truth: the JSDoc tags on the types carry the constraints.
// test/language/ir-schema.test.ts fails when the committed file is not what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaPath = `${root}src/language/ir/schema.json`;

/** The schema as the generator writes it, with the file's title and id: the exact text of schema.json. */
export function irSchemaText(): string {
  const generated = createGenerator({
    path: `${root}src/language/ir/types.ts`,
    type: 'Model',
    // No type check of its own (`npm run typecheck` does that) and no lib (schema.tsconfig.json)
    // keep the generator well under a second, so the test below can run it every time.
    skipTypeCheck: true,
    tsconfig: `${root}scripts/schema.tsconfig.json`,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    discriminatorType: 'open-api',
    sortProps: true,
  }).createSchema('Model');
  const schema = {
    $id: 'https://unet-dsl.invalid/ir.schema.json',
    title: 'unet-dsl IR',
    description: 'The intermediate representation of a U-Net spec, generated from src/language/ir/types.ts by `npm run build:schema` (docs/ir.md).',
    ...generated,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(schemaPath, irSchemaText());
  console.log(`wrote ${schemaPath}`);
}
