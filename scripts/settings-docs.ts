// Writes docs/configuration.md from the settings schemas, the single source of
// every setting's default and description. `npm run docs:settings`; a test
// fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TObject } from '@sinclair/typebox';
import { describeSettings, KitSettings, type SettingDoc } from '@nimbus/kit';

export const SERVICES = ['config-server', 'auth-server', 'gateway', 'product-service', 'inventory-service', 'order-service', 'notification-service'] as const;

const cell = (v: unknown) => (v === undefined ? '' : `\`${JSON.stringify(v)}\``).replace(/\|/g, '\\|');
const table = (docs: SettingDoc[]) =>
  ['| key | type | default | description |', '|---|---|---|---|', ...docs.map((d) => `| \`${d.key}\` | ${d.type} | ${cell(d.default)} | ${d.description.replace(/\|/g, '\\|')} |`)].join('\n');

export async function renderSettingsDoc(): Promise<string> {
  const parts = [
    '# Configuration',
    '',
    'Generated from the settings schemas by `npm run docs:settings`; do not edit by hand.',
    '',
    'Every setting has a default. Values come, highest precedence first, from: bootstrap environment variables',
    '(and `NIMBUS_<KEY>` with dots and dashes removed, e.g. `NIMBUS_CLIENT_DEFAULTS_TIMEOUTMS`), Vault',
    '(`secret/application`, `secret/{service}`, `secret/{service}/{profile}`), the config server',
    '(`config-repo/` by default), then these defaults. A change committed to the config repository reaches',
    'running services through a refresh event, without restart.',
    '',
    '## Every service (the kit)',
    '',
    table(describeSettings(KitSettings)),
  ];
  for (const name of SERVICES) {
    const mod = (await import(/* @vite-ignore */ `../services/${name}/src/app.js`)) as { service?: { settings: TObject }; createService?: () => { settings: TObject } };
    const definition = mod.service ?? mod.createService?.();
    if (!definition) throw new Error(`services/${name}/src/app.ts exports neither service nor createService`);
    const own = describeSettings(definition.settings);
    parts.push('', `## ${name}`, '', own.length ? table(own) : 'No settings of its own yet.');
  }
  return `${parts.join('\n')}\n`;
}

export const DOC_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DOC_PATH, await renderSettingsDoc());
  console.log(`wrote ${DOC_PATH}`);
}
