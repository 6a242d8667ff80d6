export { openApiPlugin, ProblemSchema, type OpenApiOptions } from './openapi.js';
export { identityOf, isAdmin, requireAdmin, requireRoleOrScope, type Identity } from './identity.js';
