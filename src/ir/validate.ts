// Validates IR against src/ir/schema.json with ajv, whenever IR is produced or read.
// Errors name the JSON pointer of the bad value.
import Ajv from 'ajv';
import schema from './schema.json' with { type: 'json' };
import type { Model } from './types.ts';

const ajv = new Ajv.default({ allErrors: true, discriminator: true, strict: true });
const validate = ajv.compile(schema);

export class IrError extends Error {}

/** Returns the model if it is valid IR; throws IrError listing every problem with its JSON pointer. */
export function validateModel(value: unknown): Model {
  if (validate(value)) return value as unknown as Model;
  const detail = (params: Record<string, unknown>) =>
    'allowedValues' in params ? ` (${(params.allowedValues as unknown[]).join(', ')})` : 'additionalProperty' in params ? ` (\`${params.additionalProperty}\`)` : '';
  const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'}: ${e.message}${detail(e.params)}`);
  throw new IrError(`invalid IR:\n  ${problems.join('\n  ')}`);
}
