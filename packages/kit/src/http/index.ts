export { openApiPlugin, ProblemSchema, type OpenApiOptions } from './openapi.js';
