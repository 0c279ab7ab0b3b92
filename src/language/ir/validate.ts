// Validates IR against src/language/ir/schema.json with ajv, whenever IR is produced or read.
// Errors name the JSON pointer of the bad value.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from './schema.json' with { type: 'json' };
import type { Model } from './types.ts';

// Compiled on first use: ajv's compile of the whole schema costs more than the rest of
// `unet check`, and only IR read from a file (or a test) needs it. strictRequired off: the
// generated schema puts `required: ["op"]` beside the node union's discriminator (as ajv's
// discriminator needs) without repeating `op` in its own properties.
let compiled: ValidateFunction | undefined;
const validator = () => (compiled ??= new Ajv.default({ allErrors: true, discriminator: true, strict: true, strictRequired: false }).compile(schema));

/** Every node op the schema knows, in its order: the const of `op` in each branch of the node union. */
const nodeOps = schema.definitions.Node.oneOf.map((branch) => branch.properties.op.const);

export class IrError extends Error {}

/** One ajv error as `pointer: message (detail)`; an unknown node op points at `op` and lists the known ones. */
function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'discriminator' && params.error === 'mapping') return `${at}/${params.tag}: must be one of the node ops (${nodeOps.join(', ')})`;
  const detail = 'allowedValues' in params ? ` (${(params.allowedValues as unknown[]).join(', ')})` : 'additionalProperty' in params ? ` (\`${params.additionalProperty}\`)` : '';
  return `${at}: ${e.message}${detail}`;
}

/** Returns the model if it is valid IR; throws IrError listing every problem with its JSON pointer. */
export function validateModel(value: unknown): Model {
  const validate = validator();
  if (validate(value)) return value as unknown as Model;
  const problems = (validate.errors ?? []).slice(0, 10).map(describe);
  throw new IrError(`invalid IR:\n  ${problems.join('\n  ')}`);
}
