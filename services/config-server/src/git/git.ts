import { simpleGit, type SimpleGit } from 'simple-git';

export interface GitOptions {
  /** Bound on one command. */
  timeoutMs: number;
  /** HTTP basic credentials for https remotes, passed to git through its environment, never argv or disk. */
  username?: string;
  password?: string;
}

// Variables simple-git's environment guard refuses when passed explicitly:
// dropped from the inherited environment rather than tripping the guard.
const GUARDED = /^(git_.*|editor|visual|pager|prefix|ssh_askpass)$/i;
const CREDENTIAL_ENV = ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0'];

/**
 * A git CLI bound to one directory. Credentials travel as
 * `GIT_CONFIG_*` environment entries (an `http.extraHeader`), so they never
 * show in the process list or land in the clone's config file; prompts are
 * off, so a missing credential fails fast instead of hanging.
 */
export function gitIn(dir: string, opts: GitOptions): SimpleGit {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !GUARDED.test(k)) env[k] = v;
  env['GIT_TERMINAL_PROMPT'] = '0';
  const withCredentials = Boolean(opts.username || opts.password);
  if (withCredentials) {
    const basic = Buffer.from(`${opts.username ?? ''}:${opts.password ?? ''}`).toString('base64');
    Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` });
  }
  return simpleGit({
    baseDir: dir,
    maxConcurrentProcesses: 8,
    timeout: { block: opts.timeoutMs },
    allowEnvironment: ['GIT_TERMINAL_PROMPT', ...(withCredentials ? CREDENTIAL_ENV : [])],
    ...(withCredentials && { unsafe: { allowUnsafeConfigEnvCount: true } }),
  }).env(env);
}

/** git's message without the credentials a URL might carry. */
export function gitErrorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return redactUrl(text.trim().split('\n').slice(0, 3).join(' '));
}

/** `https://user:token@host/x` → `https://host/x`, wherever it appears in a text. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}
