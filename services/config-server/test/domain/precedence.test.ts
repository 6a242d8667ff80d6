import { describe, expect, it } from 'vitest';
import { locateFile, namesInOrder, orderedFiles, searchLocations, foldersOf } from '../../src/domain/precedence.js';

const ctx = (applications: string[], profiles: string[]) => ({ applications, profiles, label: 'main' });

describe('precedence', () => {
  it('orders {app}-{profile} > {app} > application-{profile} > application, the last profile first', () => {
    expect(namesInOrder(['foo'], ['dev', 'prod'])).toEqual(['foo-prod', 'foo-dev', 'foo', 'application-prod', 'application-dev', 'application']);
  });

  it('lets the last of several application names win, as Spring does', () => {
    expect(namesInOrder(['a', 'b'], ['p'])).toEqual(['b-p', 'a-p', 'b', 'a', 'application-p', 'application']);
  });

  it('picks existing files only, .properties before .yml before .yaml in one folder', () => {
    const paths = new Set(['application.yml', 'foo.properties', 'foo.yml', 'foo-dev.yaml', 'bar.yml', 'README.md']);
    expect(orderedFiles(paths, [], ctx(['foo'], ['dev']))).toEqual(['foo-dev.yaml', 'foo.properties', 'foo.yml', 'application.yml']);
  });

  it('searches {application} folders above the root, later search paths above earlier ones', () => {
    const paths = new Set(['application.yml', 'foo.yml', 'foo/foo.yml', 'foo/application.yml', 'shared/foo.yml', 'other/foo.yml']);
    expect(orderedFiles(paths, ['shared', '{application}'], ctx(['foo'], []))).toEqual(['foo/foo.yml', 'shared/foo.yml', 'foo.yml', 'foo/application.yml', 'application.yml']);
  });

  it('expands * within a folder name and {profile} per profile', () => {
    const folders = foldersOf(['team-a/x.yml', 'team-b/x.yml', 'env/dev/x.yml', 'env/prod/x.yml']);
    expect(searchLocations(['team-*', 'env/{profile}'], folders, ctx(['foo'], ['dev', 'prod']))).toEqual(['env/prod', 'env/dev', 'team-b', 'team-a', '']);
  });

  it('tells which files are servable and which application an {application} folder names', () => {
    expect(locateFile('foo.yml', ['{application}'], 'main')).toEqual({});
    expect(locateFile('foo/application.yml', ['{application}'], 'main')).toEqual({ application: 'foo' });
    expect(locateFile('.github/workflows/ci.yml', ['{application}'], 'main')).toBeUndefined();
    expect(locateFile('docs/notes.yml', [], 'main')).toBeUndefined();
    expect(locateFile('schemas/foo.schema.json', [], 'main')).toBeUndefined();
  });
});
