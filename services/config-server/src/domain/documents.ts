import { parseAllDocuments } from 'yaml';
import { flattenYaml, type Flat } from './flatten.js';
import { checkActivation } from './profile-expression.js';
import { parseProperties, PropertiesSyntaxError } from './properties.js';

/** One document of a configuration file (YAML `---` or properties `#---` separated). */
export interface ConfigDocument {
  /** Position in the file, from 0. */
  index: number;
  /** Spring's flat keys. */
  source: Flat;
  /** `spring.config.activate.on-profile` (or legacy `spring.profiles`) when the document is conditional. */
  activation?: unknown;
}

export interface ParsedFile {
  path: string;
  documents: ConfigDocument[];
  /** More than one document: property source names then carry `(document #n)`, as Spring's do. */
  multiDocument: boolean;
}

/** A file that does not parse, with where. Never carries file content beyond the parser's own excerpt. */
export class ConfigFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ConfigFileError';
  }
}

const ACTIVATION_KEYS = ['spring.config.activate.on-profile', 'spring.profiles'];
const CONFIG_EXTENSIONS = ['.properties', '.yml', '.yaml'] as const;

export function isConfigFile(path: string): boolean {
  return CONFIG_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/** `dir/foo-dev.yml` → `foo-dev`. */
export function stemOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function activationOf(source: Flat): unknown {
  for (const key of ACTIVATION_KEYS) {
    if (source[key] !== undefined && source[key] !== '') return source[key];
    // A YAML list under the key flattens to key[0], key[1]…
    const items = Object.keys(source)
      .filter((k) => k.startsWith(`${key}[`))
      .map((k) => source[k]);
    if (items.length > 0) return items;
  }
  return undefined;
}

function parseYaml(path: string, text: string): Flat[] {
  // YAML 1.2 core schema plus merge keys (<<), duplicate keys refused: what Spring Boot's loader accepts.
  const docs = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(docs)) return []; // an empty stream
  const out: Flat[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    // First line only: the parser's excerpt of the file could show a value.
    if (error) throw new ConfigFileError(path, `invalid YAML: ${(error.message.split('\n', 1)[0] ?? '').replace(/:\s*$/, '')}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) {
      out.push({});
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigFileError(path, 'a configuration document must be a mapping of keys to values');
    out.push(flattenYaml(value as Record<string, unknown>));
  }
  return out;
}

/** Parses a .yml/.yaml/.properties file into its documents; throws ConfigFileError naming the file and the problem. */
export function parseConfigFile(path: string, text: string): ParsedFile {
  let sources: Flat[];
  try {
    sources = path.endsWith('.properties') ? parseProperties(text) : parseYaml(path, text);
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    if (err instanceof PropertiesSyntaxError) throw new ConfigFileError(path, `invalid properties: ${err.message}`);
    throw new ConfigFileError(path, err instanceof Error ? err.message : String(err));
  }
  const documents: ConfigDocument[] = [];
  sources.forEach((source, index) => {
    if (Object.keys(source).length === 0) return;
    const activation = activationOf(source);
    if (activation !== undefined) {
      try {
        checkActivation(activation);
      } catch (err) {
        throw new ConfigFileError(path, `document #${index}: ${(err as Error).message}`);
      }
    }
    documents.push({ index, source, ...(activation !== undefined && { activation }) });
  });
  return { path, documents, multiDocument: sources.length > 1 };
}
