import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuiltService } from '@nimbus/kit';
import { buildApp } from '../../src/app.js';
import type { PartsOptions } from '../../src/parts.js';
import type { Settings } from '../../src/settings.js';
import { endpoint } from './endpoints.js';
import { recordingLogger, type LogLine } from './logger.js';

export const USER = 'config';
export const PASSWORD = 'test-password';
export const AUTH = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };

export interface TestServer {
  built: BuiltService<Settings>;
  /** Base URL once listening (listen: true). */
  url: string;
  basedir: string;
  /** What the server logged. */
  logs: LogLine[];
  stop(): Promise<void>;
}

/**
 * A config server on a temporary working directory, built through the
 * kit exactly as main.ts does; env entries override the defaults (no
 * polling, no broker, no Vault) a test does not need.
 */
export async function startServer(opts: { uri: string; env?: Record<string, string>; vault?: boolean; listen?: boolean; basedir?: string; parts?: PartsOptions }): Promise<TestServer> {
  const basedir = opts.basedir ?? (await mkdtemp(join(tmpdir(), 'config-server-work-')));
  const logger = recordingLogger();
  const built = (await buildApp(
    {
      vault: opts.vault ?? false,
      logger,
      env: {
        CONFIG_GIT_URI: opts.uri,
        CONFIG_SERVER_PASSWORD: PASSWORD,
        NIMBUS_GIT_BASEDIR: basedir,
        NIMBUS_MONITOR_POLLINTERVALMS: '0',
        NIMBUS_REFRESH_ENABLED: 'false',
        VAULT_ADDR: endpoint('VAULT_ADDR'),
        VAULT_TOKEN: endpoint('VAULT_TOKEN'),
        RABBITMQ_URL: endpoint('RABBITMQ_URL'),
        ...opts.env,
      },
    },
    opts.parts,
  )) as unknown as BuiltService<Settings>;
  const url = opts.listen ? await built.app.listen({ host: '127.0.0.1', port: 0 }) : '';
  return {
    built,
    url,
    basedir,
    logs: logger.lines,
    async stop() {
      await built.stop('test end');
      if (!opts.basedir) await rm(basedir, { recursive: true, force: true });
    },
  };
}
