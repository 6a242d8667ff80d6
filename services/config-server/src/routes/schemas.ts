import { Type } from '@sinclair/typebox';

export const PropertySourceSchema = Type.Object(
  {
    name: Type.String({ description: '<repository URI>/<file>, with (document #n) for multi-document files' }),
    source: Type.Record(Type.String(), Type.Unknown(), { description: 'Flat dotted keys; lists as key[0]' }),
  },
  { additionalProperties: false },
);

export const EnvironmentSchema = Type.Object(
  {
    name: Type.String({ description: 'The application name(s) requested' }),
    profiles: Type.Array(Type.String()),
    label: Type.String({ description: 'The branch, tag or commit served' }),
    version: Type.String({ description: 'The commit id served' }),
    state: Type.Union([Type.String(), Type.Null()], { description: 'Always null for git (Spring fills it for Vault backends)' }),
    propertySources: Type.Array(PropertySourceSchema, { description: 'Highest precedence first' }),
  },
  { $id: 'Environment', description: 'Spring Cloud Config Environment' },
);

export const FormatQuery = Type.Object({
  resolvePlaceholders: Type.Boolean({ default: true, description: 'Resolve ${key} and ${key:default} against the merged properties' }),
});

/**
 * OpenAPI summary and tags for a route schema. Spread in, because fastify's
 * FastifySchema type only learns these fields from @fastify/swagger's
 * augmentation, which this package does not import.
 */
export function docs(summary: string, tag: string): Record<string, unknown> {
  return { summary, tags: [tag] };
}
