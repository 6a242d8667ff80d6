import { docs } from './schemas.js';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNAUTHENTICATED } from '@nimbus/kit';
import { parseMonitorRequest } from '../domain/webhook.js';
import { WEBHOOK_INVALID } from '../errors.js';
import type { GitRepository } from '../git/repository.js';
import type { ConfigSync, SyncOutcome } from '../repository/sync.js';
import { authenticate, challenge, type AuthOptions } from '../security/auth.js';
import { webhookSignatureValid } from '../security/credentials.js';

export interface MonitorOptions {
  sync: ConfigSync;
  repo: GitRepository;
  auth: AuthOptions;
  webhookSecret: string;
  waitMs: number;
}

function parseBody(request: FastifyRequest, raw: Buffer): { json?: unknown; form?: URLSearchParams } {
  const type = (request.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    // GitHub's "form" delivery wraps the JSON in a payload field.
    const payload = form.get('payload');
    if (payload) {
      try {
        return { json: JSON.parse(payload) as unknown, form };
      } catch {
        return { form };
      }
    }
    return { form };
  }
  if (type.endsWith('json')) {
    try {
      return { json: text ? (JSON.parse(text) as unknown) : {} };
    } catch {
      throw WEBHOOK_INVALID('the body is not valid JSON');
    }
  }
  return {};
}

/**
 * POST /monitor: a push webhook (GitHub, GitLab, Gitea, Gogs, Gitee,
 * Bitbucket) or `path=<app>` form. Triggers fetch → validate → serve →
 * refresh event, and answers with the outcome once known (202 if it takes
 * longer than monitor.waitMs). Which applications are refreshed comes from
 * the git diff between the served commit and the new one, so squashed or
 * batched pushes are handled exactly; form paths are refreshed even with no
 * new commit (a manual "refresh foo"), as in Spring.
 */
export async function monitorRoutes(app: FastifyInstance, opts: MonitorOptions): Promise<void> {
  // Encapsulated: the raw body is needed for signatures, for this route only.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.post(
      '/monitor',
      {
        schema: {
          ...docs('Push webhook or path=<application> form: fetch, validate and announce new configuration', 'refresh'),
          response: { 202: Type.Object({ status: Type.String() }, { additionalProperties: true }), 400: { $ref: 'Problem#' }, 401: { $ref: 'Problem#' } },
        },
      },
      async function monitor(request, reply) {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signed = webhookSignatureValid(request.headers, raw, opts.webhookSecret);
        if (!signed && !(await authenticate(request, opts.auth))) throw UNAUTHENTICATED({ headers: { 'www-authenticate': challenge(opts.auth) } });
        const { json, form } = parseBody(request, raw);
        const notice = parseMonitorRequest(request.headers, json, form);
        if (!notice) throw WEBHOOK_INVALID('expected a push webhook (X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event…) or a path=<application> form');

        const defaultBranch = opts.repo.defaultBranch;
        const ignored = notice.ignored ?? (notice.branch !== undefined && notice.branch !== defaultBranch ? `push to ${notice.branch}, not the default label ${defaultBranch}` : undefined);
        if (ignored) {
          // Still fetched, so the new branch or tag can be served by label right away.
          void opts.repo.fetch().catch(() => undefined);
          return { status: 'ignored', reason: ignored, applications: [] };
        }
        const manual = notice.provider === 'form' ? notice.paths : [];
        const outcome = opts.sync.sync(`webhook:${notice.provider}`, manual);
        let timer: NodeJS.Timeout | undefined;
        const waited = await Promise.race([
          outcome,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), opts.waitMs);
          }),
        ]).finally(() => clearTimeout(timer));
        if (!waited) {
          outcome.catch(() => undefined);
          return reply.code(202).send({ status: 'accepted', applications: [] });
        }
        return present(waited);
      },
    );
  });
}

function present(outcome: SyncOutcome) {
  return {
    status: outcome.status,
    commit: outcome.commit,
    applications: outcome.applications,
    ...(outcome.problems && { problems: outcome.problems }),
    ...(outcome.error && { error: outcome.error }),
  };
}
