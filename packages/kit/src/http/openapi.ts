import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** The problem+json body every error response has; routes reference it as `Problem`. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code; part of the API' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export interface OpenApiOptions {
  service: { name: string; version: string; description?: string };
  /** Where the document is served; false serves none (the gateway serves the aggregate there). Default /openapi.json. */
  route?: string | false;
}

/**
 * Route schemas (TypeBox) are the single source: they validate requests and
 * make the OpenAPI document served at /openapi.json, which the gateway
 * aggregates.
 */
export const openApiPlugin = fp(
  async (app: FastifyInstance, opts: OpenApiOptions) => {
    app.addSchema(ProblemSchema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: opts.service.name, version: opts.service.version, description: opts.service.description ?? '' },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
    });
    const route = opts.route ?? '/openapi.json';
    if (route !== false) {
      app.get(route, { schema: { hide: true } }, async function openapi() {
        return app.swagger();
      });
    }
  },
  { name: 'nimbus-openapi', fastify: '5.x' },
);
