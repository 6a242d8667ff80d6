import { isConfigFile, stemOf } from './documents.js';
import { locateFile } from './precedence.js';

/** Stands for every application in a refresh event, as Spring's bus destination `*` does. */
export const ALL_APPLICATIONS = '*';

/** Spring's guess from a file stem: every prefix ending before a `-` may be the name (the rest a profile). */
function namesFromStem(stem: string): string[] {
  if (stem === 'application' || stem.startsWith('application-')) return [ALL_APPLICATIONS];
  const names = [stem];
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) names.push(stem.slice(0, i));
  return names;
}

/**
 * The applications a change to these files concerns (Spring's rule):
 * `foo.yml` or `foo-prod.yml` → foo, `application*.yml` → every
 * application. A file in an `{application}` search folder concerns that
 * application only, whatever its name. Files that are never served (outside
 * the search folders, not .yml/.yaml/.properties) concern nobody. A bare
 * name without extension (the `path=foo` form) is taken as a stem.
 */
export function affectedApplications(paths: readonly string[], patterns: readonly string[], label: string): string[] {
  const apps = new Set<string>();
  for (const path of paths) {
    if (!isConfigFile(path)) {
      if (!path.includes('/') && !path.includes('.')) for (const n of namesFromStem(path)) apps.add(n);
      continue;
    }
    const location = locateFile(path, patterns, label);
    if (!location) continue;
    if (location.application) apps.add(location.application);
    else for (const n of namesFromStem(stemOf(path))) apps.add(n);
  }
  return apps.has(ALL_APPLICATIONS) ? [ALL_APPLICATIONS] : [...apps].sort();
}

/** Whether an event naming these applications concerns this one. */
export function concerns(applications: readonly string[], application: string): boolean {
  return applications.includes(ALL_APPLICATIONS) || applications.includes(application);
}
