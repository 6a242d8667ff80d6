/**
 * Names and labels as they travel in URLs. A `/` cannot travel inside one
 * path segment, so Spring Cloud Config lets `(_)` stand for it
 * (`feature(_)login` is the branch `feature/login`); we do the same.
 */
export function decodeSegment(segment: string): string {
  return segment.replaceAll('(_)', '/');
}

/** The inverse, for clients building URLs. */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value.replaceAll('/', '(_)')).replaceAll('%2C', ',');
}

// git check-ref-format rules, plus no leading `-` so a label can never be read as an option.
// eslint-disable-next-line no-control-regex -- control characters are exactly what git refuses in ref names
const FORBIDDEN = /[\s~^:?*[\\\x00-\x1f\x7f]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$|\/\./;

/** Whether a label can name a branch, tag or commit at all (checked before git ever sees it). */
export function isValidLabel(label: string): boolean {
  return label.length > 0 && label.length <= 255 && label !== '@' && !FORBIDDEN.test(label);
}

/** Whether a label looks like a (possibly abbreviated) commit id. */
export function isCommitId(label: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(label);
}

/** Splits a comma-separated list (profiles, application names), dropping blanks. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
