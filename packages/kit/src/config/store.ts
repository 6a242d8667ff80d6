import type { Static, TObject } from '@sinclair/typebox';
import { silentLogger, type Logger } from '../logging/logger.js';
import { ProblemError } from '../errors/problem.js';
import { flatten, type Flat } from './flatten.js';
import { resolveSettings } from './settings.js';
import type { ConfigSource } from './sources.js';

export type ChangeListener<T> = (current: T, changedKeys: string[]) => void | Promise<void>;

export interface ConfigStoreOptions<S extends TObject> {
  schema: S;
  /** Highest precedence first, like Spring's propertySources. */
  sources: ConfigSource[];
  logger?: Logger;
}

/**
 * The service's settings: merged from its sources, validated against its
 * schema and frozen. `refresh()` re-reads the sources; a new value that fails
 * validation is reported and the last good settings keep serving.
 */
export class ConfigStore<S extends TObject> {
  readonly #schema: S;
  readonly #sources: ConfigSource[];
  readonly #logger: Logger;
  readonly #listeners = new Set<{ prefix: string; fn: ChangeListener<Static<S>> }>();
  #flat: Flat = {};
  #current!: Static<S>;

  private constructor(opts: ConfigStoreOptions<S>) {
    this.#schema = opts.schema;
    this.#sources = opts.sources;
    this.#logger = opts.logger ?? silentLogger;
  }

  static async load<S extends TObject>(opts: ConfigStoreOptions<S>): Promise<ConfigStore<S>> {
    const store = new ConfigStore(opts);
    const { flat, settings } = await store.#read();
    store.#flat = flat;
    store.#current = settings;
    return store;
  }

  get current(): Static<S> {
    return this.#current;
  }

  /** The merged raw value of any key, known to the schema or not. */
  get(key: string): unknown {
    return this.#flat[key];
  }

  /** Calls `fn` after a refresh that changed any key under `prefix` ('' = any). Returns an unsubscribe. */
  onChange(prefix: string, fn: ChangeListener<Static<S>>): () => void {
    const entry = { prefix, fn };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Re-reads every source. Returns the keys that changed; throws CONFIG_INVALID and keeps the old settings on a bad value. */
  async refresh(): Promise<string[]> {
    const { flat, settings } = await this.#read();
    const keys = new Set([...Object.keys(flat), ...Object.keys(this.#flat)]);
    const changed = [...keys].filter((k) => JSON.stringify(flat[k]) !== JSON.stringify(this.#flat[k])).sort();
    if (changed.length === 0) return [];
    this.#flat = flat;
    this.#current = settings;
    this.#logger.info('configuration refreshed', { 'config.changed_keys': changed });
    for (const { prefix, fn } of this.#listeners) {
      const mine = changed.filter((k) => prefix === '' || k === prefix || k.startsWith(`${prefix}.`));
      if (mine.length === 0) continue;
      try {
        await fn(settings, mine);
      } catch (err) {
        // One subscriber failing to apply must not stop the others.
        this.#logger.error('configuration change listener failed', { 'config.prefix': prefix, err: String(err) });
      }
    }
    return changed;
  }

  async #read(): Promise<{ flat: Flat; settings: Static<S> }> {
    const layers = await Promise.all(this.#sources.map((s) => s.load()));
    // Lowest precedence first, so higher layers overwrite.
    const flat: Flat = {};
    for (const layer of layers.reverse()) Object.assign(flat, flatten(layer));
    try {
      return { flat, settings: resolveSettings(this.#schema, flat) };
    } catch (err) {
      if (err instanceof ProblemError) this.#logger.error('configuration rejected', { 'config.errors': err.extensions['errors'] });
      throw err;
    }
  }
}
