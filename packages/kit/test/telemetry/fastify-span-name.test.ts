import type { FastifyOtelLifecycleHookInfo } from '@fastify/otel';
import { describe, expect, it } from 'vitest';
import { fastifySpanName } from '../../src/telemetry/instrumentations.js';

const request = { routeOptions: { url: '/orders/:id' }, url: '/orders/7?x=1' } as unknown as FastifyOtelLifecycleHookInfo['request'];

describe('fastifySpanName', () => {
  it('names an anonymous handler after its route instead of the plugin chain', () => {
    expect(fastifySpanName({ hookName: 'handler', request, handler: 'fastify -> @fastify/otel -> @nimbus/kit/metrics' })).toBe('handler /orders/:id');
  });

  it('keeps the name of a named handler or hook function', () => {
    expect(fastifySpanName({ hookName: 'handler', request, handler: 'getOrder' })).toBe('handler getOrder');
    expect(fastifySpanName({ hookName: 'onRequest', request, handler: 'authenticate' })).toBe('onRequest authenticate');
    expect(fastifySpanName({ hookName: 'onRequest', request, handler: 'anonymous' })).toBe('onRequest');
  });

  it('falls back to the path when no route matched', () => {
    const unmatched = { routeOptions: {}, url: '/nope?x=1' } as unknown as FastifyOtelLifecycleHookInfo['request'];
    expect(fastifySpanName({ hookName: 'handler', request: unmatched, handler: 'fastify' })).toBe('handler /nope');
  });
});
