import type { ParsedFile } from './documents.js';
import type { Flat } from './flatten.js';
import { profilesMatch } from './profile-expression.js';

/** One entry of `propertySources`: where the values come from and the values, flat. */
export interface PropertySource {
  name: string;
  source: Flat;
}

/** Spring Cloud Config's Environment, the body of GET /{application}/{profile}[/{label}]. */
export interface Environment {
  name: string;
  profiles: string[];
  label: string;
  /** The commit id served. */
  version: string;
  /** Spring fills this only for Vault backends; null for git, as there. */
  state: string | null;
  propertySources: PropertySource[];
}

/**
 * The property sources of ordered files (highest first). A multi-document
 * file gives one source per applicable document: documents activated for an
 * active profile rank above the file's unconditional ones, later documents
 * above earlier ones (Spring Boot's rules).
 */
export function propertySources(files: readonly ParsedFile[], profiles: readonly string[], repoName: string): PropertySource[] {
  const out: PropertySource[] = [];
  for (const file of files) {
    const applicable = file.documents.filter((d) => d.activation === undefined || profilesMatch(d.activation, profiles));
    const ordered = [...applicable.filter((d) => d.activation !== undefined).reverse(), ...applicable.filter((d) => d.activation === undefined).reverse()];
    for (const doc of ordered) {
      const suffix = file.multiDocument ? ` (document #${doc.index})` : '';
      out.push({ name: `${repoName}/${file.path}${suffix}`, source: doc.source });
    }
  }
  return out;
}
