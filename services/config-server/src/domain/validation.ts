import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ConfigFileError, parseConfigFile, type ParsedFile } from './documents.js';
import { propertySources } from './environment.js';
import { mergeSources, toNested } from './merge.js';
import { mentionedProfiles } from './profile-expression.js';
import { orderedFiles, profilesInFiles } from './precedence.js';

/** Why a commit cannot be served. Messages name files, keys and rules, never values. */
export interface ValidationProblem {
  file?: string;
  application?: string;
  profile?: string;
  message: string;
}

export interface CommitContent {
  /** Every file path of the commit. */
  paths: ReadonlySet<string>;
  /** Text of every servable configuration file (root and search folders). */
  files: ReadonlyMap<string, string>;
  /** Text of `{schemaDir}/{application}.schema.json`, by application. */
  schemas: ReadonlyMap<string, string>;
  patterns: readonly string[];
  label: string;
}

export interface ValidationResult {
  problems: ValidationProblem[];
  /** The files that parsed, reusable for serving. */
  parsed: Map<string, ParsedFile>;
}

function compileSchema(text: string): ValidateFunction {
  const schema = JSON.parse(text) as Record<string, unknown>;
  const draft = typeof schema['$schema'] === 'string' ? schema['$schema'] : '';
  // strict off: user schemas may carry their own annotations; coerceTypes: .properties values are strings, as Spring binds them.
  const options = { allErrors: true, strict: false, coerceTypes: true, logger: false as const };
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  return ajv.compile(schema);
}

const describe = (e: ErrorObject) => {
  const at = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') || '(root)';
  return `${at} ${e.message ?? 'is invalid'}`;
};

/**
 * Validates a commit before it may be served: every servable file parses,
 * and where `{schemaDir}/{app}.schema.json` exists, the merged properties of
 * that application (default profile and each profile named in file names or
 * document activations) satisfy it.
 */
export function validateCommit(content: CommitContent): ValidationResult {
  const problems: ValidationProblem[] = [];
  const parsed = new Map<string, ParsedFile>();
  for (const [path, text] of content.files) {
    try {
      parsed.set(path, parseConfigFile(path, text));
    } catch (err) {
      problems.push({ file: path, message: err instanceof ConfigFileError ? err.reason : String(err) });
    }
  }
  // Schemas are checked against complete configurations only: with a file
  // missing from the merge they would report noise on top of the real cause.
  if (problems.length > 0) return { problems, parsed };
  const servable = new Set(content.files.keys());
  for (const [application, text] of content.schemas) {
    let validate: ValidateFunction;
    try {
      validate = compileSchema(text);
    } catch (err) {
      problems.push({ application, message: `schema does not compile: ${(err as Error).message}` });
      continue;
    }
    const profiles = new Set(profilesInFiles([...servable], application));
    for (const f of parsed.values()) for (const d of f.documents) if (d.activation !== undefined) mentionedProfiles(d.activation).forEach((p) => profiles.add(p));
    for (const profile of ['default', ...[...profiles].filter((p) => p !== 'default').sort()]) {
      const ctx = { applications: [application], profiles: [profile], label: content.label };
      const files = orderedFiles(servable, content.patterns, ctx)
        .map((p) => parsed.get(p))
        .filter((f): f is ParsedFile => f !== undefined);
      const merged = mergeSources(propertySources(files, [profile], '').map((s) => s.source));
      if (!validate(toNested(merged))) {
        for (const e of validate.errors ?? []) problems.push({ application, profile, message: describe(e) });
      }
    }
  }
  return { problems, parsed };
}
