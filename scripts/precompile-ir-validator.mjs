// Part of `npm run build`: replaces dist/language/ir/schema-validator.js (which compiles
// schema.json with ajv at run time) by ajv's standalone validator for the same schema and
// options, so the compiled CLI neither loads ajv's compiler nor compiles the schema: about a
// quarter of `unet check`'s start-up (bench/RESULTS.md, "CLI start-up").
// It also writes the same validator as CommonJS (schema-validator.cjs), which the bundled CLI
// require()s on first use (scripts/bundle-cli.mjs): 360 kB of generated code that a check of
// a .unet spec, which never validates, then does not parse.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const DIST = join(import.meta.dirname, '..', 'dist', 'language', 'ir');
const schema = JSON.parse(readFileSync(join(DIST, 'schema.json'), 'utf8'));
// The options of src/language/ir/schema-validator.ts (AJV_OPTIONS), read from its build.
const { AJV_OPTIONS } = await import(join(DIST, 'schema-validator.js'));
const standalone = (esm) => {
  const ajv = new Ajv.default({ ...AJV_OPTIONS, code: { source: true, esm } });
  return standaloneCode.default(ajv, ajv.compile(schema));
};
writeFileSync(join(DIST, 'schema-validator.cjs'), standalone(false));
let code = standalone(true);
// ajv's ESM output still require()s its small run-time helpers (ucs2length for minLength):
// import them instead, as ES modules may not call require.
const helpers = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))];
helpers.forEach((helper, i) => {
  code = code.split(`require("${helper}")`).join(`__helper${i}`);
});
const imports = helpers.map((helper, i) => `import __helper${i} from "${helper}.js";`).join('\n');
const validator = `${imports}\n${code.replace(/^"use strict";/, '')}\nexport { AJV_OPTIONS };\nexport function schemaValidator() { return validate10; }\n`;
writeFileSync(join(DIST, 'schema-validator.js'), `const AJV_OPTIONS = ${JSON.stringify(AJV_OPTIONS)};\n${validator}`);
console.log(`dist/language/ir/schema-validator.{js,cjs}: ajv's standalone validator (${helpers.length} run-time helper${helpers.length === 1 ? '' : 's'})`);
