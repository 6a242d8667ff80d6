import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../context.js';
import { wouldRemoveLastAdmin } from '../domain/roles.js';
import { LAST_ADMIN, USER_NOT_FOUND } from '../errors.js';
import { userView } from './api-auth.js';
import { requireAdmin } from './bearer.js';
import { problemResponses, RolesBody, routeSchema, UserIdParams, UserView } from './schemas.js';

/** Admin-only user management. */
export async function apiUserRoutes(app: FastifyInstance, s: AuthServices): Promise<void> {
  app.put<{ Params: UserIdParams; Body: RolesBody }>(
    '/api/auth/users/:id/roles',
    {
      schema: routeSchema({
        tags: ['accounts'],
        summary: "Replace a user's roles (admin only); takes effect in tokens issued from now on",
        security: [{ bearerAuth: [] }],
        params: UserIdParams,
        body: RolesBody,
        response: { 200: UserView, ...problemResponses(400, 401, 403, 404, 409) },
      }),
    },
    async function setRoles(request) {
      const caller = await requireAdmin(s, request);
      const user = await s.users.replaceRoles(request.params.id, request.body.roles, new Date(), (current, otherAdmins) => {
        if (wouldRemoveLastAdmin(current, request.body.roles, otherAdmins)) throw LAST_ADMIN();
      });
      if (!user) throw USER_NOT_FOUND();
      s.logger.info('user roles changed', { 'user.id': user.id, 'auth.roles': user.roles, 'auth.changed_by': caller.user.id });
      return userView(user);
    },
  );
}
