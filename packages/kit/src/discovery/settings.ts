import { Type, type Static } from '@sinclair/typebox';

/**
 * Where instances come from and how this service announces itself.
 * Durations are milliseconds throughout; they are converted to Consul's
 * duration strings only on the wire.
 */
export const DiscoverySettings = Type.Object({
  mode: Type.Union([Type.Literal('consul'), Type.Literal('static')], {
    default: 'consul',
    description: 'consul: resolve and register through Consul; static: resolve from discovery.static.services and register nowhere',
  }),
  quarantineMs: Type.Integer({
    default: 10_000,
    minimum: 0,
    description: 'How long an instance a call failed on is skipped, unless Consul drops and re-lists it sooner',
  }),
  consul: Type.Object({
    url: Type.String({ default: 'http://127.0.0.1:8500', description: 'Consul HTTP API base URL (usually the local agent)' }),
    token: Type.String({ default: '', description: 'ACL token sent as X-Consul-Token; empty when ACLs are off' }),
    datacenter: Type.String({ default: '', description: 'Datacenter to query; empty means the agent’s own' }),
    queryTag: Type.String({ default: '', description: 'Only resolve instances carrying this tag (Spring default-query-tag); empty for all' }),
    waitMs: Type.Integer({
      default: 30_000,
      minimum: 1_000,
      maximum: 600_000,
      description: 'Longest a blocking query on /v1/health/service waits for a change before returning unchanged',
    }),
    requestTimeoutMs: Type.Integer({
      default: 5_000,
      minimum: 100,
      description: 'Timeout of non-blocking Consul calls, and the margin added to a blocking query’s wait',
    }),
    backoff: Type.Object({
      initialMs: Type.Integer({ default: 1_000, minimum: 1, description: 'First delay before re-querying Consul after an error' }),
      maxMs: Type.Integer({ default: 30_000, minimum: 1, description: 'Ceiling of the exponential delay between failed Consul queries' }),
    }),
  }),
  registration: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Register this instance in Consul at start and deregister it at shutdown' }),
    failFast: Type.Boolean({
      default: false,
      description: 'Fail start-up when Consul refuses the registration; when false the instance keeps retrying in the background',
    }),
    address: Type.String({
      default: '',
      description: 'Address other services and the health check reach this instance on; empty means the listen address, or 127.0.0.1 when listening on a wildcard',
    }),
    port: Type.Integer({ default: 0, minimum: 0, maximum: 65535, description: 'Advertised port; 0 means the port the server listens on' }),
    instanceId: Type.String({ default: '', description: 'Consul service ID; empty means <name>-<address>-<port>' }),
    randomSuffix: Type.Boolean({ default: false, description: 'Append a random suffix to the generated instance ID (several instances behind one address and port, e.g. NAT)' }),
    tags: Type.Array(Type.String(), { default: [], description: 'Tags registered with the instance' }),
    zone: Type.String({ default: '', description: 'Registered as meta.zone (Spring zone affinity); empty means the service’s own zone' }),
    meta: Type.Record(Type.String(), Type.String(), { default: {}, description: 'Extra meta registered with the instance (version and zone are added)' }),
    verifyIntervalMs: Type.Integer({
      default: 30_000,
      minimum: 1_000,
      description: 'How often the registration is checked and restored if Consul lost it (agent restart)',
    }),
    check: Type.Object({
      path: Type.String({ default: '/health/ready', description: 'HTTP path Consul polls on this instance' }),
      intervalMs: Type.Integer({ default: 10_000, minimum: 1_000, description: 'How often Consul runs the check (Spring default: 10 s)' }),
      timeoutMs: Type.Integer({ default: 5_000, minimum: 100, description: 'How long Consul waits for the check to answer' }),
      deregisterCriticalAfterMs: Type.Integer({
        default: 60_000,
        minimum: 60_000,
        description: 'Consul removes an instance whose check stayed critical this long (Consul’s minimum is 1 minute)',
      }),
    }),
  }),
  static: Type.Object({
    services: Type.Record(Type.String(), Type.Array(Type.String()), {
      default: {},
      description: 'Fixed instances per service for running without Consul, e.g. { "product-service": ["http://127.0.0.1:8081"] }',
    }),
  }),
});

export type DiscoverySettings = Static<typeof DiscoverySettings>;
