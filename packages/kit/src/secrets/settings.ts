import { Type, type Static } from '@sinclair/typebox';

export const VaultSettings = Type.Object({
  vault: Type.Object({
    enabled: Type.Boolean({ default: true, description: 'Read secrets from Vault (or OpenBao) at boot' }),
    url: Type.String({ default: 'http://127.0.0.1:8200', description: 'Vault address (bootstrap env VAULT_ADDR)' }),
    auth: Type.Object({
      method: Type.Union([Type.Literal('token'), Type.Literal('approle')], { default: 'token', description: 'How to log in: a token, or AppRole role id + secret id' }),
      token: Type.String({ default: '', description: 'Token for method=token (bootstrap env VAULT_TOKEN); never put it in git' }),
      roleId: Type.String({ default: '', description: 'AppRole role id (bootstrap env VAULT_ROLE_ID)' }),
      secretId: Type.String({ default: '', description: 'AppRole secret id (bootstrap env VAULT_SECRET_ID); never put it in git' }),
      mount: Type.String({ default: 'approle', description: 'Mount path of the AppRole auth method' }),
    }),
    kv: Type.Object({
      mount: Type.String({ default: 'secret', description: 'Mount path of the KV v2 engine' }),
      defaultContext: Type.String({ default: 'application', description: 'Secrets every application reads (secret/application), lowest precedence' }),
    }),
    renewFraction: Type.Number({ default: 0.66, minimum: 0.1, maximum: 0.95, description: 'Renew the login token after this fraction of its TTL' }),
    timeoutMs: Type.Integer({ default: 5000, minimum: 100, description: 'Timeout of one Vault request' }),
  }),
});
export type VaultSettings = Static<typeof VaultSettings>['vault'];
