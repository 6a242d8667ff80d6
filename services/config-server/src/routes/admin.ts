import { docs } from './schemas.js';
import type { FastifyInstance } from 'fastify';
import type { GitRepository } from '../git/repository.js';
import type { ConfigSync } from '../repository/sync.js';

/** What the default label serves and why: the commit, recent rejections with their problems, fetch and publish state. */
export function repositoryStatus(repo: GitRepository, sync: ConfigSync) {
  return {
    repository: repo.name,
    label: repo.defaultBranch,
    served: sync.served ?? null,
    rejected: sync.rejections,
    lastFetch: repo.lastFetch ?? null,
    lastRefresh: sync.lastPublished ?? null,
    pendingRefresh: sync.pendingRefresh ?? null,
  };
}

export async function adminRoutes(app: FastifyInstance, repo: GitRepository, sync: ConfigSync): Promise<void> {
  app.get('/admin/status', { schema: { ...docs('The served commit, rejected commits and their problems, fetch and refresh state', 'admin') } }, async function status() {
    return repositoryStatus(repo, sync);
  });
}
