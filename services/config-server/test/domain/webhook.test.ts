import { describe, expect, it } from 'vitest';
import { affectedApplications } from '../../src/domain/affected.js';
import { parseMonitorRequest } from '../../src/domain/webhook.js';

const push = { ref: 'refs/heads/main', after: 'abc123', commits: [{ added: ['foo-prod.yml'], modified: ['bar.yml'], removed: [] }, { added: [], modified: ['bar.yml'], removed: ['old.properties'] }] };

describe('parseMonitorRequest', () => {
  it('reads a GitHub push: branch, after and every touched path once', () => {
    expect(parseMonitorRequest({ 'x-github-event': 'push' }, push)).toEqual({ provider: 'github', branch: 'main', after: 'abc123', paths: ['foo-prod.yml', 'bar.yml', 'old.properties'] });
  });

  it('reads GitLab (X-Gitlab-Event: Push Hook) and Gitea pushes of the same shape', () => {
    expect(parseMonitorRequest({ 'x-gitlab-event': 'Push Hook' }, push)?.provider).toBe('gitlab');
    // Gitea also sends X-GitHub-Event; its own header wins.
    expect(parseMonitorRequest({ 'x-gitea-event': 'push', 'x-github-event': 'push' }, push)?.provider).toBe('gitea');
  });

  it('acknowledges pings and tag pushes without acting on them', () => {
    expect(parseMonitorRequest({ 'x-github-event': 'ping' }, {})).toMatchObject({ ignored: 'ping event' });
    expect(parseMonitorRequest({ 'x-github-event': 'push' }, { ref: 'refs/tags/v1', commits: [] })).toMatchObject({ ignored: 'not a branch push' });
  });

  it('reads a Bitbucket push (no paths listed)', () => {
    const body = { push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: 'def' } } }] } };
    expect(parseMonitorRequest({ 'x-event-key': 'repo:push' }, body)).toEqual({ provider: 'bitbucket', branch: 'main', after: 'def', paths: [] });
  });

  it('reads the path= form, several values and comma lists', () => {
    expect(parseMonitorRequest({}, undefined, new URLSearchParams('path=foo&path=bar,baz'))).toEqual({ provider: 'form', paths: ['foo', 'bar', 'baz'] });
  });

  it('recognises nothing else', () => {
    expect(parseMonitorRequest({}, { hello: 'world' })).toBeUndefined();
    expect(parseMonitorRequest({}, undefined, new URLSearchParams('other=1'))).toBeUndefined();
  });
});

describe('affectedApplications (Spring’s rule)', () => {
  it('foo.yml and foo-prod.yml refresh foo', () => {
    expect(affectedApplications(['foo.yml'], [], 'main')).toEqual(['foo']);
    // Spring cannot tell a profile from a dashed name either: foo-prod is named too, harmlessly.
    expect(affectedApplications(['foo-prod.yml'], [], 'main')).toEqual(['foo', 'foo-prod']);
  });

  it('a dashed name may be the application or application-profile: every reading is refreshed', () => {
    expect(affectedApplications(['order-service-prod.yml'], [], 'main')).toEqual(['order', 'order-service', 'order-service-prod']);
  });

  it('application*.yml refreshes everyone', () => {
    expect(affectedApplications(['foo.yml', 'application-prod.properties'], [], 'main')).toEqual(['*']);
  });

  it('a file in an {application} folder refreshes that application only, even application.yml', () => {
    expect(affectedApplications(['billing/application.yml'], ['{application}'], 'main')).toEqual(['billing']);
  });

  it('ignores files that are never served', () => {
    expect(affectedApplications(['README.md', 'schemas/foo.schema.json', 'ci/pipeline.yml'], [], 'main')).toEqual([]);
  });

  it('takes a bare name from the form as an application', () => {
    expect(affectedApplications(['foo'], [], 'main')).toEqual(['foo']);
    expect(affectedApplications(['application'], [], 'main')).toEqual(['*']);
  });
});
