import type { Flat } from './flatten.js';

/** A .properties file that does not parse (Java's Properties.load rules). */
export class PropertiesSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PropertiesSyntaxError';
  }
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
// Spring Boot's multi-document separator for .properties files.
const DOCUMENT_SEPARATOR = /^[#!]---\s*$/;

interface LogicalLine {
  text: string;
  line: number;
}

/** Natural lines joined where a line ends in an odd number of backslashes; comments and blanks dropped. */
function* logicalLines(text: string): Generator<LogicalLine | 'separator'> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    const trimmed = first.replace(/^[ \t\f]+/, '');
    if (DOCUMENT_SEPARATOR.test(first)) {
      yield 'separator';
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const start = i;
    let joined = trimmed;
    while (endsWithOddBackslashes(joined) && i + 1 < lines.length) {
      i++;
      joined = joined.slice(0, -1) + (lines[i] ?? '').replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(joined)) joined = joined.slice(0, -1);
    yield { text: joined, line: start + 1 };
  }
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string, line: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError(`malformed \\uxxxx escape "\\u${hex}"`, line);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else out += ESCAPES[next] ?? next;
  }
  return out;
}

/** Splits a logical line at the first unescaped `=`, `:` or whitespace, as Properties.load does. */
function splitPair(text: string): [string, string] {
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
  }
  const key = text.slice(0, i);
  let rest = text.slice(i).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return [key, rest];
}

/**
 * Parses a .properties file into its documents (Spring Boot splits on a
 * `#---` line). Values stay strings, as Spring serves them; a repeated key
 * keeps its last value.
 */
export function parseProperties(text: string): Flat[] {
  let current: Flat = {};
  const docs: Flat[] = [current];
  for (const item of logicalLines(text)) {
    if (item === 'separator') {
      current = {};
      docs.push(current);
      continue;
    }
    const [rawKey, rawValue] = splitPair(item.text);
    const key = unescape(rawKey, item.line);
    if (key === '') throw new PropertiesSyntaxError('a property needs a key', item.line);
    current[key] = unescape(rawValue, item.line);
  }
  return docs;
}

function escape(s: string, isKey: boolean): string {
  let out = '';
  for (const c of s) {
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '\f') out += '\\f';
    else if (isKey && (c === '=' || c === ':' || c === ' ' || c === '#' || c === '!')) out += `\\${c}`;
    else out += c;
  }
  // A leading space in a value would be eaten on reading.
  return !isKey && out.startsWith(' ') ? `\\${out}` : out;
}

/** Renders flat keys as a .properties document, keys sorted, `key: value` as Spring renders them. */
export function renderProperties(flat: Flat): string {
  return Object.keys(flat)
    .sort()
    .map((k) => `${escape(k, true)}: ${escape(String(flat[k]), false)}`)
    .join('\n')
    .concat(Object.keys(flat).length > 0 ? '\n' : '');
}
