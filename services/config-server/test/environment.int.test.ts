import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitFixture } from './support/git-fixture.js';
import { AUTH, startServer, type TestServer } from './support/server.js';

// A Spring-shaped repository: shared and per-application files, YAML and
// .properties, two profiles, a release branch, an annotated tag, commits.
let repo: GitFixture;
let server: TestServer;
let first: string;
let head: string;
let release: string;

const get = (url: string, headers: Record<string, string> = {}) => server.built.app.inject({ url, headers: { ...AUTH, ...headers } });

beforeAll(async () => {
  repo = await GitFixture.create();
  first = await repo.commit(
    {
      'application.yml': 'shared: application\nlevel: info\nlist: [a, b]\nurl: http://${host:localhost}:${port}/x\nport: 80\n',
      'application-dev.yml': 'level: debug\nshared: application-dev\n',
      'application-prod.properties': 'level=warn\n',
      'foo.yml': 'foo:\n  name: foo\n  port: 8080\nshared: foo\nlist:\n  - x\n',
      'foo-dev.yml': 'foo:\n  name: foo-dev\n',
      'foo-prod.properties': '# prod\nfoo.name=foo-prod\nfoo.timeout = 30s\n',
      'README.md': 'not configuration\n',
    },
    'first',
  );
  await repo.tag('v1.0');
  await repo.branch('release/1.0');
  release = await repo.commit({ 'foo.yml': 'foo:\n  name: foo-release\n' }, 'release');
  await repo.checkout('main');
  head = await repo.commit({ 'foo.yml': 'foo:\n  name: foo-main\n  port: 9090\nshared: foo\nlist:\n  - x\n' }, 'second');
  await repo.branch('broken');
  await repo.commit({ 'foo-dev.yml': 'foo: [unclosed\n' }, 'broken');
  await repo.checkout('main');
  await repo.branch('empty');
  await repo.commit({ 'application.yml': null, 'application-dev.yml': null, 'application-prod.properties': null, 'foo.yml': null, 'foo-dev.yml': null, 'foo-prod.properties': null }, 'empty');
  await repo.checkout('main');
  server = await startServer({ uri: repo.uri });
});

afterAll(async () => {
  await server?.stop();
  await repo?.remove();
});

describe('GET /{application}/{profile}[/{label}] (Spring Cloud Config Environment)', () => {
  it('answers the exact Environment shape with sources in precedence order for two profiles, the last winning', async () => {
    const res = await get('/foo/dev,prod');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toStrictEqual({
      name: 'foo',
      profiles: ['dev', 'prod'],
      label: 'main',
      version: head,
      state: null,
      propertySources: [
        { name: `${repo.uri}/foo-prod.properties`, source: { 'foo.name': 'foo-prod', 'foo.timeout': '30s' } },
        { name: `${repo.uri}/foo-dev.yml`, source: { 'foo.name': 'foo-dev' } },
        { name: `${repo.uri}/foo.yml`, source: { 'foo.name': 'foo-main', 'foo.port': 9090, shared: 'foo', 'list[0]': 'x' } },
        { name: `${repo.uri}/application-prod.properties`, source: { level: 'warn' } },
        { name: `${repo.uri}/application-dev.yml`, source: { level: 'debug', shared: 'application-dev' } },
        { name: `${repo.uri}/application.yml`, source: { shared: 'application', level: 'info', 'list[0]': 'a', 'list[1]': 'b', url: 'http://${host:localhost}:${port}/x', port: 80 } },
      ],
    });
  });

  it('puts the last profile first whichever order they come in', async () => {
    const res = await get('/foo/prod,dev');
    expect(res.json().propertySources.map((s: { name: string }) => s.name.slice(repo.uri.length + 1))).toEqual([
      'foo-dev.yml',
      'foo-prod.properties',
      'foo.yml',
      'application-dev.yml',
      'application-prod.properties',
      'application.yml',
    ]);
  });

  it('serves a branch label, with (_) standing for / as in Spring', async () => {
    const res = await get('/foo/default/release(_)1.0');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ label: 'release/1.0', version: release, propertySources: [{ source: { 'foo.name': 'foo-release' } }, { name: `${repo.uri}/application.yml` }] });
    expect((await get('/foo/default/release%2F1.0')).json().version).toBe(release);
  });

  it('serves an annotated tag at the commit it points to', async () => {
    const res = await get('/foo/default/v1.0');
    expect(res.json()).toMatchObject({ label: 'v1.0', version: first, propertySources: [{ source: { 'foo.name': 'foo' } }, {}] });
  });

  it('serves a full or abbreviated commit id', async () => {
    expect((await get(`/foo/default/${first}`)).json()).toMatchObject({ version: first, propertySources: [{ source: { 'foo.name': 'foo' } }, {}] });
    expect((await get(`/foo/default/${first.slice(0, 10)}`)).json().version).toBe(first);
  });

  it('serves several labels at once without checkouts', async () => {
    const labels = ['main', 'v1.0', 'release(_)1.0', first, 'main', 'v1.0'];
    const versions = await Promise.all(labels.map(async (l) => (await get(`/foo/dev/${l}`)).json().version));
    expect(versions).toEqual([head, first, release, first, head, first]);
  });

  it('answers an unknown label with a LABEL_NOT_FOUND problem', async () => {
    const res = await get('/foo/default/no-such-branch');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'LABEL_NOT_FOUND', status: 404 });
    expect((await get('/foo/default/HEAD~1')).json().code).toBe('LABEL_INVALID');
  });

  it('answers an unknown application with the shared application* sources only, and none where nothing matches', async () => {
    const unknown = await get('/nobody/default');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toMatchObject({ name: 'nobody', propertySources: [{ name: `${repo.uri}/application.yml` }] });
    expect(unknown.json().propertySources).toHaveLength(1);
    const empty = await get('/nobody/default/empty');
    expect(empty.json()).toMatchObject({ name: 'nobody', label: 'empty', propertySources: [] });
  });

  it('answers a label whose files do not parse with CONFIG_FILE_INVALID naming the file (only the default label is gated)', async () => {
    const res = await get('/foo/dev/broken');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'CONFIG_FILE_INVALID', file: 'foo-dev.yml', detail: expect.stringMatching(/^foo-dev\.yml at [0-9a-f]{12}: invalid YAML/) });
    expect((await get('/foo/prod/broken')).statusCode).toBe(200);
  });

  it('answers Spring’s v2 media type with the same Environment', async () => {
    const res = await get('/foo/dev', { accept: 'application/vnd.spring-cloud.config-server.v2+json' });
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.spring-cloud\.config-server\.v2\+json/);
    expect(res.json().version).toBe(head);
  });

  it('refuses requests without credentials, with a Basic challenge', async () => {
    const res = await server.built.app.inject('/foo/dev');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="nimbus-config"');
    expect(res.json().code).toBe('UNAUTHENTICATED');
    expect((await server.built.app.inject({ url: '/foo/dev', headers: { authorization: `Basic ${Buffer.from('config:wrong').toString('base64')}` } })).statusCode).toBe(401);
  });
});

describe('GET /{application}-{profile}.{yml,properties,json} and /{label}/… (merged views)', () => {
  it('renders merged YAML: {app} over application-{profile}, lists replaced whole, placeholders resolved', async () => {
    const res = await get('/foo-dev.yml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe(['foo:', '  name: foo-dev', '  port: 9090', 'shared: foo', 'list:', '  - x', 'level: debug', 'url: http://localhost:80/x', 'port: 80', ''].join('\n'));
  });

  it('renders merged .properties, sorted', async () => {
    const res = await get('/foo-prod.properties');
    expect(res.body).toBe(
      ['foo.name: foo-prod', 'foo.port: 9090', 'foo.timeout: 30s', 'level: warn', 'list[0]: x', 'port: 80', 'shared: foo', 'url: http://localhost:80/x', ''].join('\n'),
    );
  });

  it('renders JSON at a label, and leaves placeholders when asked to', async () => {
    const res = await get('/v1.0/foo-default.json?resolvePlaceholders=false');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ foo: { name: 'foo', port: 8080 }, shared: 'foo', list: ['x'], level: 'info', url: 'http://${host:localhost}:${port}/x', port: 80 });
  });

  it('splits {application}-{profile} at the last dash, as Spring does', async () => {
    await repo.commit({ 'order-service-prod.yml': 'order:\n  limit: 3\n' }, 'dashed');
    const monitor = await server.built.app.inject({ method: 'POST', url: '/monitor', headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'path=order-service' });
    expect(monitor.json()).toMatchObject({ status: 'published' });
    const res = await get('/order-service-prod.yml');
    expect(res.body).toContain('limit: 3');
  });
});
