/**
 * What a POST /monitor says, whoever sent it: Spring Cloud Config's
 * property-path endpoint accepts GitHub, GitLab, Gitea, Gogs, Gitee and
 * Bitbucket push webhooks and a `path=<app or file>` form; so do we.
 */
export interface MonitorNotice {
  provider: 'github' | 'gitlab' | 'gitea' | 'gogs' | 'gitee' | 'bitbucket' | 'form';
  /** The branch pushed to; undefined for tag pushes and forms. */
  branch?: string;
  /** The commit the branch points to after the push, when the provider says. */
  after?: string;
  /** Files the push touched, or the form's paths. Bitbucket lists none. */
  paths: string[];
  /** Set when there is nothing to do beyond a fetch (ping, tag push…), with why. */
  ignored?: string;
}

type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function commitPaths(body: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const commits = Array.isArray(body['commits']) ? body['commits'] : [];
  const head = body['head_commit'];
  for (const c of [...commits, ...(head && typeof head === 'object' ? [head] : [])]) {
    if (!c || typeof c !== 'object') continue;
    const commit = c as Record<string, unknown>;
    for (const field of ['added', 'modified', 'removed']) for (const p of strings(commit[field])) out.add(p);
  }
  return [...out];
}

function branchOf(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** GitHub, Gitea, Gogs, Gitee and GitLab all send `ref`, `after` and `commits[].added/modified/removed`. */
function pushLike(provider: MonitorNotice['provider'], event: string, pushEvents: string[], body: unknown): MonitorNotice {
  if (!pushEvents.includes(event)) return { provider, paths: [], ignored: `${event} event` };
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const branch = branchOf(b['ref']);
  const after = typeof b['after'] === 'string' ? b['after'] : typeof b['checkout_sha'] === 'string' ? b['checkout_sha'] : undefined;
  return {
    provider,
    ...(branch !== undefined && { branch }),
    ...(after !== undefined && { after }),
    paths: commitPaths(b),
    ...(branch === undefined && { ignored: 'not a branch push' }),
  };
}

function bitbucket(event: string, body: unknown): MonitorNotice {
  if (event !== 'repo:push') return { provider: 'bitbucket', paths: [], ignored: `${event} event` };
  const changes = ((body as { push?: { changes?: unknown } } | undefined)?.push?.changes ?? []) as Array<{ new?: { type?: string; name?: string; target?: { hash?: string } } }>;
  const change = Array.isArray(changes) ? changes.find((c) => c?.new?.type === 'branch') : undefined;
  if (!change?.new?.name) return { provider: 'bitbucket', paths: [], ignored: 'not a branch push' };
  return { provider: 'bitbucket', branch: change.new.name, ...(change.new.target?.hash && { after: change.new.target.hash }), paths: [] };
}

/**
 * Reads a /monitor request. `form` is the parsed urlencoded body when there
 * was one. Returns undefined when nothing identifies it as a webhook or form.
 */
export function parseMonitorRequest(headers: Headers, body: unknown, form?: URLSearchParams): MonitorNotice | undefined {
  const gitea = header(headers, 'x-gitea-event');
  if (gitea) return pushLike('gitea', gitea, ['push'], body);
  const gogs = header(headers, 'x-gogs-event');
  if (gogs) return pushLike('gogs', gogs, ['push'], body);
  const github = header(headers, 'x-github-event');
  if (github) return pushLike('github', github, ['push'], body);
  const gitlab = header(headers, 'x-gitlab-event');
  if (gitlab) return pushLike('gitlab', gitlab, ['Push Hook', 'System Hook'], body);
  const gitee = header(headers, 'x-gitee-event');
  if (gitee) return pushLike('gitee', gitee, ['Push Hook'], body);
  const bitbucketEvent = header(headers, 'x-event-key');
  if (bitbucketEvent) return bitbucket(bitbucketEvent, body);
  if (form) {
    const paths = form.getAll('path').flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
    if (paths.length > 0) return { provider: 'form', paths };
  }
  return undefined;
}
