import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';

/** Resilience for calls to one target service. Durations in milliseconds. */
export const ClientPolicySettings = Type.Object({
  timeoutMs: Type.Integer({ default: 5_000, minimum: 1, description: 'Per attempt: the request (body included) is aborted after this long' }),
  retry: Type.Object({
    retries: Type.Integer({ default: 3, minimum: 0, description: 'Retries after the first attempt, idempotent calls only (Spring Gateway default: 3)' }),
    initialDelayMs: Type.Integer({ default: 100, minimum: 0, description: 'First backoff delay; later ones grow exponentially with jitter' }),
    maxDelayMs: Type.Integer({ default: 2_000, minimum: 0, description: 'Ceiling of one backoff delay' }),
    methods: Type.Array(Type.String(), {
      default: ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'],
      description: 'Methods retried without `idempotent: true` (RFC 9110 idempotent methods)',
    }),
    statuses: Type.Array(Type.Integer({ minimum: 500, maximum: 599 }), {
      default: [502, 503, 504],
      description: 'Dependency statuses that are retried (gateway and overload answers: the request was not processed)',
    }),
    onTimeout: Type.Boolean({ default: true, description: 'Retry an idempotent attempt that timed out (Spring Gateway retries on timeouts)' }),
  }),
  breaker: Type.Object({
    kind: Type.Union([Type.Literal('consecutive'), Type.Literal('sampling')], {
      default: 'consecutive',
      description: 'consecutive: open after N failures in a row; sampling: open when the failure rate over a time window passes a threshold',
    }),
    consecutiveFailures: Type.Integer({ default: 5, minimum: 1, description: 'consecutive breaker: failures in a row that open it' }),
    failureRateThreshold: Type.Number({
      default: 0.5,
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: 'sampling breaker: it opens when more than this ratio (0–1) of calls in the window failed (Resilience4j default: 50%)',
    }),
    samplingWindowMs: Type.Integer({ default: 30_000, minimum: 1_000, description: 'sampling breaker: the time window the failure rate is measured over' }),
    minimumCalls: Type.Integer({
      default: 20,
      minimum: 1,
      description: 'sampling breaker: calls needed in the window before the rate can open it, so a few failures at low traffic do not',
    }),
    halfOpenAfterMs: Type.Integer({ default: 30_000, minimum: 1, description: 'How long it stays open before one probe call may close it again' }),
  }),
  bulkhead: Type.Object({
    maxConcurrent: Type.Integer({ default: 64, minimum: 1, description: 'Calls to this target in flight at once' }),
    maxQueue: Type.Integer({ default: 64, minimum: 0, description: 'Calls waiting for a slot; past this they fail with BULKHEAD_FULL' }),
  }),
});
export type ClientPolicySettings = Static<typeof ClientPolicySettings>;

/** OAuth2 client_credentials (RFC 6749 §4.4) for `auth: 'service'` calls. */
export const ServiceTokenSettings = Type.Object({
  tokenUrl: Type.String({ default: '', description: 'Token endpoint, e.g. http://127.0.0.1:9000/oauth2/token; empty disables service auth' }),
  clientId: Type.String({ default: '', description: 'This service’s OAuth2 client ID' }),
  clientSecret: Type.String({ default: '', description: 'This service’s OAuth2 client secret (a secret: inject it from Vault)' }),
  scope: Type.String({ default: '', description: 'Space-separated scopes to request; empty for the client’s defaults' }),
  clientAuthMethod: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')], {
    default: 'client_secret_basic',
    description: 'How the client authenticates to the token endpoint (RFC 6749 §2.3.1; Spring Authorization Server default: basic)',
  }),
  expirySkewMs: Type.Integer({ default: 30_000, minimum: 0, description: 'A cached token is renewed this long before it expires' }),
  defaultExpiresInMs: Type.Integer({ default: 300_000, minimum: 1_000, description: 'Lifetime assumed when the token response has no expires_in' }),
  timeoutMs: Type.Integer({ default: 5_000, minimum: 1, description: 'Timeout of one token request' }),
});
export type ServiceTokenSettings = Static<typeof ServiceTokenSettings>;

/** A copy of an object schema with every property optional, recursively, and no defaults. */
function overrideOf<T extends TProperties>(schema: TObject<T>): TSchema {
  const strip = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(strip);
    if (typeof s !== 'object' || s === null) return s;
    const out: Record<PropertyKey, unknown> = {};
    for (const key of Reflect.ownKeys(s)) {
      if (key === 'default' || key === 'required') continue;
      out[key] = strip((s as Record<PropertyKey, unknown>)[key]);
    }
    return out;
  };
  return strip(schema) as TSchema;
}

/** Fields of ClientPolicySettings that a per-service entry may override. */
export type ClientPolicyOverride = {
  timeoutMs?: number;
  retry?: Partial<ClientPolicySettings['retry']>;
  breaker?: Partial<ClientPolicySettings['breaker']>;
  bulkhead?: Partial<ClientPolicySettings['bulkhead']>;
};

// Overrides carry no defaults on purpose: a default inside an override
// would silently replace the value from `defaults` when the config loader
// fills defaults in.
const ClientPolicyOverride = Type.Unsafe<ClientPolicyOverride>(overrideOf(ClientPolicySettings));

export const ClientSettings = Type.Object({
  defaults: ClientPolicySettings,
  services: Type.Record(Type.String(), ClientPolicyOverride, {
    default: {},
    description: 'Per target service overrides merged over client.defaults, e.g. { "inventory-service": { "timeoutMs": 2000 } }',
  }),
  connectTimeoutMs: Type.Integer({ default: 2_000, minimum: 1, description: 'TCP connect timeout; a refused or silent instance fails fast and the retry moves on' }),
  keepAliveTimeoutMs: Type.Integer({ default: 4_000, minimum: 1, description: 'Idle keep-alive sockets are closed after this long' }),
  serviceToken: ServiceTokenSettings,
});
export type ClientSettings = Static<typeof ClientSettings>;

/** The policy for one target: its override merged over the defaults, one level deep. */
export function policyFor(settings: ClientSettings, target: string): ClientPolicySettings {
  const d = settings.defaults;
  const o = settings.services[target] ?? {};
  return {
    timeoutMs: o.timeoutMs ?? d.timeoutMs,
    retry: { ...d.retry, ...o.retry },
    breaker: { ...d.breaker, ...o.breaker },
    bulkhead: { ...d.bulkhead, ...o.bulkhead },
  };
}
