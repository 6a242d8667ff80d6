export { ClientSettings, ClientPolicySettings, ServiceTokenSettings, policyFor, type ClientPolicyOverride } from './settings.js';
export { DEPENDENCY_BAD_RESPONSE, SERVICE_TOKEN_REJECTED, SERVICE_TOKEN_UNAVAILABLE } from './catalogue.js';
export { createServiceClient, type ServiceClient, type ServiceClientOptions, type ServiceRequest, type AuthMode } from './service-client.js';
export { ServiceResponse, type ResponseHeaders } from './response.js';
export { ClientCredentialsTokenProvider, type ServiceTokenProvider } from './service-token.js';
export type { HttpMethod } from './attempt.js';
export type { QueryValue } from './request-parts.js';
