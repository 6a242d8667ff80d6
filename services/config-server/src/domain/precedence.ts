import { isConfigFile, stemOf } from './documents.js';

/**
 * Which files make up an application's configuration, highest precedence
 * first, the order of Spring's propertySources:
 *   {app}-{profile}  >  {app}  >  application-{profile}  >  application
 * With several profiles the last one wins (comes first); with several
 * application names (`a,b`) likewise. Within one name the later search
 * folder wins, the root is lowest, and .properties beats .yml beats .yaml
 * in the same folder (Spring Boot's order).
 */

export interface SearchContext {
  applications: readonly string[];
  profiles: readonly string[];
  label: string;
}

const EXTENSIONS = ['properties', 'yml', 'yaml'];

const normalise = (dir: string) => dir.replace(/^\.?\/+/, '').replace(/\/+$/, '');

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`);
}

/** Every folder that holds a file (and its parents), from a tree listing. */
export function foldersOf(paths: readonly string[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const p of paths) {
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  }
  return dirs;
}

function substitutions(pattern: string, ctx: SearchContext): string[] {
  let out = [pattern];
  const expand = (token: string, values: readonly string[]) => {
    if (!pattern.includes(token)) return;
    out = out.flatMap((p) => values.map((v) => p.replaceAll(token, v)));
  };
  expand('{application}', ctx.applications);
  expand('{profile}', ctx.profiles);
  expand('{label}', [ctx.label]);
  return out;
}

/** Concrete folders to search, highest precedence first; the root ('') is always last. */
export function searchLocations(patterns: readonly string[], folders: ReadonlySet<string>, ctx: SearchContext): string[] {
  const ascending: string[] = [''];
  for (const pattern of patterns) {
    for (const candidate of substitutions(normalise(pattern), ctx)) {
      if (candidate.includes('*')) {
        const re = globToRegExp(candidate);
        ascending.push(...[...folders].filter((f) => re.test(f)).sort());
      } else if (folders.has(candidate)) ascending.push(candidate);
    }
  }
  const seen = new Set<string>();
  return ascending.reverse().filter((l) => !seen.has(l) && seen.add(l));
}

/** The base names, highest precedence first (without extension). */
export function namesInOrder(applications: readonly string[], profiles: readonly string[]): string[] {
  const apps = [...applications].reverse().filter((a) => a !== 'application');
  const profs = [...profiles].reverse();
  return [
    ...profs.flatMap((p) => apps.map((a) => `${a}-${p}`)),
    ...apps,
    ...profs.map((p) => `application-${p}`),
    'application',
  ];
}

/** The existing files to merge for a request, highest precedence first. */
export function orderedFiles(paths: ReadonlySet<string>, patterns: readonly string[], ctx: SearchContext): string[] {
  const locations = searchLocations(patterns, foldersOf([...paths]), ctx);
  const out: string[] = [];
  for (const name of namesInOrder(ctx.applications, ctx.profiles)) {
    for (const dir of locations) {
      for (const ext of EXTENSIONS) {
        const path = dir ? `${dir}/${name}.${ext}` : `${name}.${ext}`;
        if (paths.has(path)) out.push(path);
      }
    }
  }
  return out;
}

/** Matches a search pattern against a folder, capturing what {application} stood for. */
function patternRegExp(pattern: string, label: string): RegExp {
  const parts = normalise(pattern).split(/(\{application\}|\{profile\}|\{label\}|\*)/);
  const body = parts
    .map((part) => {
      if (part === '{application}') return '(?<app>[^/]+)';
      if (part === '{profile}') return '[^/]+';
      if (part === '{label}') return label.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

export interface FileLocation {
  /** The application a search folder names ({application} in the pattern), if any. */
  application?: string;
}

/**
 * Whether a repository file can be served at all (a config file at the root
 * or in a search folder), and which application its folder names. Files
 * elsewhere (CI workflows, docs) are neither validated nor served.
 */
export function locateFile(path: string, patterns: readonly string[], label: string): FileLocation | undefined {
  if (!isConfigFile(path)) return undefined;
  const slash = path.lastIndexOf('/');
  const dir = slash < 0 ? '' : path.slice(0, slash);
  if (dir === '') return {};
  let found: FileLocation | undefined;
  for (const pattern of patterns) {
    const m = patternRegExp(pattern, label).exec(dir);
    if (!m) continue;
    const app = m.groups?.['app'];
    if (app) return { application: app };
    found = {};
  }
  return found;
}

/**
 * Profiles worth validating for an application: every `{app}-{profile}` and
 * `application-{profile}` file name in the served locations. (Combinations
 * of several profiles are not enumerated.)
 */
export function profilesInFiles(paths: readonly string[], application: string): string[] {
  const profiles = new Set<string>();
  for (const p of paths) {
    const stem = stemOf(p);
    for (const prefix of [`${application}-`, 'application-']) {
      if (stem.startsWith(prefix) && stem.length > prefix.length) profiles.add(stem.slice(prefix.length));
    }
  }
  return [...profiles].sort();
}
