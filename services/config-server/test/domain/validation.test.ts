import { describe, expect, it } from 'vitest';
import { validateCommit } from '../../src/domain/validation.js';

const schema = JSON.stringify({
  type: 'object',
  properties: {
    limits: { type: 'object', properties: { rate: { type: 'integer', minimum: 1 }, burst: { type: 'integer' } }, required: ['rate'] },
    routes: { type: 'array', items: { type: 'object', required: ['id'] } },
  },
  required: ['limits'],
});

function content(files: Record<string, string>, schemas: Record<string, string> = {}) {
  return { paths: new Set(Object.keys(files)), files: new Map(Object.entries(files)), schemas: new Map(Object.entries(schemas)), patterns: [], label: 'main' };
}

describe('validateCommit', () => {
  it('accepts files that parse and merged properties that satisfy the schema (strings coerced like Spring binding)', () => {
    const result = validateCommit(content({ 'application.yml': 'limits:\n  rate: 5\n', 'gw.properties': 'limits.burst=10\nroutes[0].id=a\n' }, { gw: schema }));
    expect(result.problems).toEqual([]);
    expect([...result.parsed.keys()].sort()).toEqual(['application.yml', 'gw.properties']);
  });

  it('reports a file that does not parse, by name', () => {
    const { problems } = validateCommit(content({ 'gw.yml': 'limits: [\n' }));
    expect(problems).toEqual([{ file: 'gw.yml', message: expect.stringMatching(/^invalid YAML/) }]);
  });

  it('checks every profile found in file names, naming key paths and the profile', () => {
    const { problems } = validateCommit(content({ 'gw.yml': 'limits:\n  rate: 5\n', 'gw-prod.yml': 'limits:\n  rate: 0\nroutes:\n  - uri: x\n' }, { gw: schema }));
    expect(problems).toEqual([
      { application: 'gw', profile: 'prod', message: 'limits.rate must be >= 1' },
      { application: 'gw', profile: 'prod', message: "routes[0] must have required property 'id'" },
    ]);
  });

  it('reports a schema that does not compile instead of ignoring it', () => {
    const { problems } = validateCommit(content({ 'gw.yml': 'a: 1\n' }, { gw: '{ not json' }));
    expect(problems[0]).toMatchObject({ application: 'gw', message: expect.stringMatching(/^schema does not compile/) });
  });

  it('honours a 2020-12 schema', () => {
    const s2020 = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { n: { type: 'integer' } } });
    expect(validateCommit(content({ 'x.yml': 'n: oops\n' }, { x: s2020 })).problems).toEqual([{ application: 'x', profile: 'default', message: 'n must be integer' }]);
  });
});
