import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { flatten, type Flat } from './flatten.js';

/**
 * Where settings come from. A source returns flat dotted keys; the store
 * merges sources in precedence order. The config-server client is one more
 * source with the same shape.
 */
export interface ConfigSource {
  readonly name: string;
  load(): Promise<Flat>;
}

/** Normalises a key for relaxed binding: `discovery.consul.url` and `DISCOVERY_CONSUL_URL` meet as `DISCOVERYCONSULURL`. */
export const relaxed = (key: string) => key.replace(/[._\-[\]]/g, '').toUpperCase();

export interface EnvSourceOptions {
  /** Explicit bootstrap variables: env name → settings key (e.g. `CONSUL_URL` → `discovery.consul.url`). */
  bootstrap?: Record<string, string>;
  /** Prefix for relaxed binding of any known key (`NIMBUS_CLIENT_DEFAULTS_TIMEOUTMS`). */
  prefix?: string;
  /** Keys the service knows (from its schema), so relaxed names can be mapped back. */
  knownKeys?: readonly string[];
}

/**
 * Environment variables, Spring-style: explicit bootstrap names, plus relaxed
 * binding of `<PREFIX>_<KEY>` for any key the schema declares. Unknown
 * prefixed variables are ignored rather than guessed at.
 */
export function envSource(env: NodeJS.ProcessEnv, opts: EnvSourceOptions = {}): ConfigSource {
  const prefix = opts.prefix ?? 'NIMBUS_';
  return {
    name: 'environment',
    async load() {
      const out: Flat = {};
      for (const [name, key] of Object.entries(opts.bootstrap ?? {})) {
        const v = env[name];
        if (v !== undefined && v !== '') out[key] = v;
      }
      const byRelaxed = new Map((opts.knownKeys ?? []).map((k) => [relaxed(k), k]));
      for (const [name, v] of Object.entries(env)) {
        if (!name.startsWith(prefix) || v === undefined) continue;
        const key = byRelaxed.get(relaxed(name.slice(prefix.length)));
        if (key) out[key] = v;
      }
      return out;
    },
  };
}

/** A YAML or JSON file; nested or dotted keys. A missing file is empty unless `required`. */
export function fileSource(path: string, opts: { required?: boolean } = {}): ConfigSource {
  return {
    name: `file:${path}`,
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (!opts.required && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw err;
      }
      const doc = (path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as unknown;
      return doc && typeof doc === 'object' ? flatten(doc as Record<string, unknown>) : {};
    },
  };
}

/** Fixed values, highest or lowest precedence depending on where it is listed (tests, defaults for a profile). */
export function staticSource(name: string, values: Flat): ConfigSource {
  // A deep copy per load: the store freezes what it resolves, and the caller keeps its values.
  return { name, load: async () => structuredClone(values) };
}
