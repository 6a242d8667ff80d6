import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CONFIG_INVALID } from '../errors/catalogue.js';
import { deepFreeze, unflatten, type Flat } from './flatten.js';

const isObjectSchema = (s: TSchema): s is TObject => s[Kind] === 'Object';

/** Creates the nested objects a schema declares, so leaf defaults can apply under them. */
function withObjects(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  for (const [k, sub] of Object.entries(schema.properties)) {
    if (isObjectSchema(sub)) {
      const child = value[k];
      value[k] = withObjects(sub, typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {});
    }
  }
  return value;
}

/** Comma-separated strings become lists where the schema wants a list, as Spring binds them. */
function splitLists(schema: TSchema, value: unknown): unknown {
  if (schema[Kind] === 'Array' && typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  if (isObjectSchema(schema) && typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const [k, sub] of Object.entries(schema.properties)) if (k in obj) obj[k] = splitLists(sub, obj[k]);
  }
  return value;
}

/**
 * Turns merged flat keys into validated, defaulted, frozen settings. Strings
 * from env and properties files are converted to the declared types. Fails
 * with CONFIG_INVALID naming every bad key, so a start-up error says what to fix.
 */
export function resolveSettings<S extends TObject>(schema: S, flat: Flat): Static<S> {
  let value: unknown = splitLists(schema, withObjects(schema, unflatten(flat)));
  value = Value.Convert(schema, value);
  value = Value.Default(schema, value);
  const errors = [...Value.Errors(schema, value)];
  if (errors.length > 0) {
    const lines = errors.slice(0, 20).map((e) => `${e.path.slice(1).replace(/\//g, '.') || '(root)'}: ${e.message}`);
    throw CONFIG_INVALID({ detail: lines.join('; '), extensions: { errors: lines } });
  }
  return deepFreeze(Value.Clean(schema, value) as Static<S>);
}

export interface SettingDoc {
  key: string;
  type: string;
  default: unknown;
  description: string;
}

/** Every leaf setting of a schema, for documentation and relaxed env binding. */
export function describeSettings(schema: TObject, prefix = ''): SettingDoc[] {
  const out: SettingDoc[] = [];
  for (const [k, sub] of Object.entries(schema.properties)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObjectSchema(sub) && Object.keys(sub.properties).length > 0) {
      out.push(...describeSettings(sub, key));
    } else {
      out.push({
        key,
        type: String(sub['type'] ?? sub[Kind]).toLowerCase(),
        default: sub['default'],
        description: String(sub['description'] ?? ''),
      });
    }
  }
  return out;
}

/** Schema fields missing a default or a description: every setting must have both. */
export function undocumentedSettings(schema: TObject): string[] {
  return describeSettings(schema)
    .filter((d) => d.default === undefined || d.description === '')
    .map((d) => d.key);
}
