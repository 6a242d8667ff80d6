import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { decodeSegment } from '../domain/labels.js';
import { CONTENT_TYPES, render, type Format } from '../domain/render.js';
import type { ConfigReader } from '../repository/reader.js';
import { docs, EnvironmentSchema, FormatQuery } from './schemas.js';


/** Spring's newer clients ask for this media type; the body is the same Environment. */
const V2_JSON = 'application/vnd.spring-cloud.config-server.v2+json';
// `{app}-{profiles}.{ext}`: Spring splits at the last `-` (so `order-service-prod.yml` is order-service, prod).
const FILE_VIEW = /^(.+)-([^-]+)\.(yml|yaml|properties|json)$/;

const problem = { $ref: 'Problem#' };
const errors = { 400: problem, 401: problem, 404: problem, 500: problem, 502: problem, 503: problem };

/**
 * The Spring Cloud Config HTTP API:
 *   GET /{application}/{profile}[/{label}]            Environment JSON
 *   GET /{application}-{profile}.(yml|yaml|properties|json)
 *   GET /{label}/{application}-{profile}.(yml|yaml|properties|json)
 * `(_)` stands for `/` in names and labels.
 */
export async function environmentRoutes(app: FastifyInstance, reader: ConfigReader): Promise<void> {
  app.addSchema(EnvironmentSchema);
  const sendFile = async (reply: FastifyReply, segment: string, label: string | undefined, resolvePlaceholders: boolean) => {
    const [, application, profiles, format] = FILE_VIEW.exec(segment) ?? [];
    if (!application || !profiles || !format) return undefined;
    const flat = await reader.merged(
      { application: decodeSegment(application), profiles, ...(label !== undefined && { label: decodeSegment(label) }) },
      { resolvePlaceholders },
    );
    return reply.type(CONTENT_TYPES[format as Format]).send(render(flat, format as Format));
  };

  const sendEnvironment = async (reply: FastifyReply, accept: string | undefined, application: string, profile: string, label?: string) => {
    const env = await reader.environment({ application: decodeSegment(application), profiles: profile, ...(label !== undefined && { label: decodeSegment(label) }) });
    if (accept?.includes(V2_JSON)) void reply.type(V2_JSON);
    return env;
  };

  app.get(
    '/:file',
    {
      schema: {
        ...docs('Merged configuration as YAML, properties or JSON (default label)', 'configuration'),
        params: Type.Object({ file: Type.String({ description: '{application}-{profile}.yml|yaml|properties|json' }) }),
        querystring: FormatQuery,
        response: errors,
      },
    },
    async function mergedFile(request, reply) {
      const { file } = request.params as { file: string };
      const { resolvePlaceholders } = request.query as { resolvePlaceholders: boolean };
      const sent = await sendFile(reply, file, undefined, resolvePlaceholders);
      return sent ?? reply.callNotFound();
    },
  );

  app.get(
    '/:application/:profile',
    {
      schema: {
        ...docs('Environment of an application at the default label, or /{label}/{application}-{profile}.{ext}', 'configuration'),
        params: Type.Object({ application: Type.String(), profile: Type.String() }),
        querystring: FormatQuery,
        response: errors,
      },
    },
    async function defaultLabel(request, reply) {
      const { application, profile } = request.params as { application: string; profile: string };
      const { resolvePlaceholders } = request.query as { resolvePlaceholders: boolean };
      // /{label}/{app}-{profile}.yml has the same shape as /{app}/{profile}; Spring tells them apart the same way.
      const sent = await sendFile(reply, profile, application, resolvePlaceholders);
      return sent ?? sendEnvironment(reply, request.headers.accept, application, profile);
    },
  );

  app.get(
    '/:application/:profile/:label',
    {
      schema: {
        ...docs('Environment of an application at a label (branch, tag or commit id)', 'configuration'),
        params: Type.Object({ application: Type.String(), profile: Type.String(), label: Type.String() }),
        response: { 200: { $ref: 'Environment#' }, ...errors },
      },
    },
    async function labelled(request, reply) {
      const { application, profile, label } = request.params as { application: string; profile: string; label: string };
      return sendEnvironment(reply, request.headers.accept, application, profile, label);
    },
  );
}
