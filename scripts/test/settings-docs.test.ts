import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, renderSettingsDoc } from '../settings-docs.js';

describe('docs/configuration.md', () => {
  it('matches the settings schemas (run `npm run docs:settings` after changing a setting)', async () => {
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(await renderSettingsDoc());
  }, 30_000);
});
