import type { Logger, VaultSecrets } from '@nimbus/kit';
import { isProblemError } from '@nimbus/kit';
import type { PropertySource } from '../domain/environment.js';
import { flattenYaml } from '../domain/flatten.js';
import { kvPath, parseSecretRef } from '../domain/secret-refs.js';
import { SECRET_STORE_UNAVAILABLE, SECRET_UNRESOLVED } from '../errors.js';
import { TransitError, type VaultTransit } from './transit.js';

export interface Unresolved {
  property: string;
  source: string;
  reason: string;
}

export interface SecretResolverOptions {
  vault: VaultSecrets | undefined;
  kvMount: string;
  transit: VaultTransit | undefined;
  logger: Logger;
}

type Secret = { data: Record<string, unknown> } | undefined;

/**
 * Replaces `{vault}path#key` and `{cipher}…` values with the secrets they
 * name, at serving time. One read per Vault path per request. Anything that
 * does not resolve fails the whole request naming the properties (never
 * values): a client must not start with an empty password.
 */
export class SecretResolver {
  readonly #o: SecretResolverOptions;

  constructor(opts: SecretResolverOptions) {
    this.#o = opts;
  }

  async resolve(sources: PropertySource[]): Promise<PropertySource[]> {
    const reads = new Map<string, Promise<Secret>>();
    const unresolved: Unresolved[] = [];
    let storeDown: string | undefined;

    const readPath = (path: string): Promise<Secret> => {
      let p = reads.get(path);
      if (!p) {
        const vault = this.#o.vault;
        p = vault ? vault.read(path) : Promise.resolve(undefined);
        reads.set(path, p);
      }
      return p;
    };

    const resolveValue = async (property: string, source: string, value: unknown): Promise<unknown> => {
      const ref = parseSecretRef(value);
      if (!ref) return value;
      const fail = (reason: string) => {
        unresolved.push({ property, source, reason });
        return undefined;
      };
      if (ref.kind === 'malformed') return fail(ref.reason);
      if (ref.kind === 'vault') {
        if (!this.#o.vault) return fail('vault is not enabled on the config server');
        const path = kvPath(ref.path, this.#o.kvMount);
        try {
          const secret = await readPath(path);
          if (!secret) return fail(`no secret at ${this.#o.kvMount}/${path}`);
          const found = Object.hasOwn(secret.data, ref.key) ? secret.data[ref.key] : flattenYaml(secret.data)[ref.key];
          if (found === undefined) return fail(`secret ${this.#o.kvMount}/${path} has no key ${ref.key}`);
          if (typeof found === 'object' && found !== null) return fail(`secret ${this.#o.kvMount}/${path} key ${ref.key} is not a single value`);
          return found;
        } catch (err) {
          storeDown = isProblemError(err) ? (err.detail ?? err.message) : String(err);
          return undefined;
        }
      }
      if (!this.#o.transit) return fail('{cipher} values need encrypt.enabled and Vault transit');
      try {
        return await this.#o.transit.decrypt(ref.cipherText);
      } catch (err) {
        if (err instanceof TransitError && err.kind === 'unavailable') {
          storeDown = err.message;
          return undefined;
        }
        return fail(`cannot decrypt: ${(err as Error).message}`);
      }
    };

    const resolved = await Promise.all(
      sources.map(async (s) => {
        const entries = await Promise.all(Object.entries(s.source).map(async ([k, v]) => [k, await resolveValue(k, s.name, v)] as const));
        return { name: s.name, source: Object.fromEntries(entries) };
      }),
    );
    if (storeDown) throw SECRET_STORE_UNAVAILABLE({ detail: storeDown });
    if (unresolved.length > 0) {
      this.#o.logger.error('secret references could not be resolved', { 'config.unresolved': unresolved.map((u) => `${u.property} (${u.source}): ${u.reason}`) });
      throw SECRET_UNRESOLVED({
        detail: unresolved.map((u) => `${u.property}: ${u.reason}`).join('; '),
        extensions: { unresolved },
      });
    }
    return resolved;
  }
}
