// Validates IR against src/language/ir/schema.json with ajv, whenever IR is produced or read.
// Errors name the JSON pointer of the bad value.
import type { ErrorObject } from 'ajv';
import schema from './schema.json' with { type: 'json' };
import { schemaValidator } from './schema-validator.ts';
import type { Model } from './types.ts';

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
  const validate = schemaValidator();
  if (validate(value)) return value as unknown as Model;
  const problems = (validate.errors ?? []).slice(0, 10).map(describe);
  throw new IrError(`invalid IR:\n  ${problems.join('\n  ')}`);
}
