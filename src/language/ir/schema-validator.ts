// The ajv validator of schema.json. From the sources (tests, tsx) ajv compiles it here, on
// first use, so it always matches the schema; `npm run build` replaces the compiled file
// (dist/language/ir/schema-validator.js) by ajv's standalone code for the same schema and
// options (scripts/precompile-ir-validator.mjs), so the CLI neither loads ajv nor compiles.
import Ajv, { type ValidateFunction } from 'ajv';
import schema from './schema.json' with { type: 'json' };

/**
 * ajv's options; the build's standalone validator uses the same. strictRequired off: the
 * generated schema puts `required: ["op"]` beside the node union's discriminator (as ajv's
 * discriminator needs) without repeating `op` in its own properties.
 */
export const AJV_OPTIONS = { allErrors: true, discriminator: true, strict: true, strictRequired: false } as const;

let compiled: ValidateFunction | undefined;

/** The validator of an IR document (its `errors` hold the problems of the last call). */
export function schemaValidator(): ValidateFunction {
  return (compiled ??= new Ajv.default(AJV_OPTIONS).compile(schema));
}
