import { describe, expect, it } from 'vitest';
import { ConfigFileError, parseConfigFile } from '../../src/domain/documents.js';

describe('parseConfigFile', () => {
  it('flattens nested YAML the way Spring serves it: dotted keys, list[0], null and empty list as ""', () => {
    const file = parseConfigFile(
      'app.yml',
      ['server:', '  port: 8080', 'routes:', '  - id: a', '    tags: [x, y]', '  - id: b', 'empty: []', 'nothing: ~', 'map: {}', 'flag: true', 'ratio: 0.5'].join('\n'),
    );
    expect(file.documents).toEqual([
      {
        index: 0,
        source: {
          'server.port': 8080,
          'routes[0].id': 'a',
          'routes[0].tags[0]': 'x',
          'routes[0].tags[1]': 'y',
          'routes[1].id': 'b',
          empty: '',
          nothing: '',
          flag: true,
          ratio: 0.5,
        },
      },
    ]);
    expect(file.multiDocument).toBe(false);
  });

  it('keeps YAML 1.2 scalars: yes stays a string, quoted numbers stay strings', () => {
    const [doc] = parseConfigFile('a.yml', 'a: yes\nb: "42"\nc: 042\n').documents;
    expect(doc!.source).toEqual({ a: 'yes', b: '42', c: 42 });
  });

  it('supports merge keys (<<) used for shared blocks', () => {
    const [doc] = parseConfigFile('a.yml', 'base: &b\n  timeout: 5\nsvc:\n  <<: *b\n  name: x\n').documents;
    expect(doc!.source).toMatchObject({ 'svc.timeout': 5, 'svc.name': 'x' });
  });

  it('splits multi-document YAML and reads on-profile activations (new and legacy keys)', () => {
    const file = parseConfigFile('app.yml', 'a: 1\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\na: 2\n---\nspring.profiles: [eu, us]\na: 3\n');
    expect(file.multiDocument).toBe(true);
    expect(file.documents.map((d) => [d.index, d.activation])).toEqual([
      [0, undefined],
      [1, 'prod'],
      [2, ['eu', 'us']],
    ]);
  });

  it('rejects invalid YAML naming the file and the problem', () => {
    expect(() => parseConfigFile('bad.yml', 'a: [1, 2\nb: 3\n')).toThrow(ConfigFileError);
    expect(() => parseConfigFile('bad.yml', 'a: [1, 2\nb: 3\n')).toThrow(/^bad\.yml: invalid YAML/);
  });

  it('rejects duplicate keys, as Spring Boot does', () => {
    expect(() => parseConfigFile('dup.yml', 'a: 1\na: 2\n')).toThrow(/invalid YAML/);
  });

  it('rejects a document that is a list or a scalar, not a map', () => {
    expect(() => parseConfigFile('list.yml', '- a\n- b\n')).toThrow(/must be a mapping/);
  });

  it('rejects a profile expression that mixes & and | without parentheses', () => {
    expect(() => parseConfigFile('x.yml', 'spring.config.activate.on-profile: "a & b | c"\nk: 1\n')).toThrow(/needs parentheses/);
  });

  it('reads an empty file as no documents', () => {
    expect(parseConfigFile('empty.yml', '').documents).toEqual([]);
    expect(parseConfigFile('empty.properties', '# only a comment\n').documents).toEqual([]);
  });

  it('reads .properties files as strings', () => {
    expect(parseConfigFile('a.properties', 'server.port=8080\n').documents[0]!.source).toEqual({ 'server.port': '8080' });
  });
});
