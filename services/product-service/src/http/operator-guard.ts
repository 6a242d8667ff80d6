import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findOperatorKey } from '../domain/operators.js';
import { QUERY_OPERATOR_REJECTED } from '../errors.js';

/**
 * Refuses any request whose query string or JSON body has a key starting
 * with `$`. Schemas alone are not enough: fastify's Ajv removes unknown
 * properties (removeAdditional) rather than failing, so `{"$where": …}`
 * would pass silently. Runs before validation, on every route.
 */
export const operatorGuard = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async function rejectOperatorKeys(request: FastifyRequest) {
      const key = findOperatorKey(request.query) ?? findOperatorKey(request.body) ?? findOperatorKey(request.params);
      if (key !== undefined) throw QUERY_OPERATOR_REJECTED(`key ${JSON.stringify(key)} is not accepted`);
    });
  },
  { name: 'product-operator-guard', fastify: '5.x' },
);
