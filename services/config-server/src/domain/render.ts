import { stringify } from 'yaml';
import type { Flat } from './flatten.js';
import { toNested } from './merge.js';
import { renderProperties } from './properties.js';

export type Format = 'yml' | 'yaml' | 'properties' | 'json';

export const CONTENT_TYPES: Record<Format, string> = {
  // Spring answers the YAML and properties views as text/plain; tools rely on it.
  yml: 'text/plain; charset=utf-8',
  yaml: 'text/plain; charset=utf-8',
  properties: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** Merged flat properties in the requested format (nested for YAML and JSON). */
export function render(flat: Flat, format: Format): string {
  switch (format) {
    case 'properties':
      return renderProperties(flat);
    case 'json':
      return JSON.stringify(toNested(flat), null, 2);
    case 'yml':
    case 'yaml':
      return Object.keys(flat).length === 0 ? '{}\n' : stringify(toNested(flat), { lineWidth: 0 });
  }
}
