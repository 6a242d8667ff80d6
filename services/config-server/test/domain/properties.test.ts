import { describe, expect, it } from 'vitest';
import { parseProperties, renderProperties } from '../../src/domain/properties.js';

describe('parseProperties (java.util.Properties rules)', () => {
  it('reads =, : and whitespace separators, keeping values as strings', () => {
    expect(parseProperties('a=1\nb: two\nc three\nd\n')).toEqual([{ a: '1', b: 'two', c: 'three', d: '' }]);
  });

  it('skips # and ! comments and blank lines, trims leading whitespace of lines', () => {
    expect(parseProperties('# comment\n! also\n\n   key = value  \n')).toEqual([{ key: 'value  ' }]);
  });

  it('joins continuation lines and drops the next line’s indentation', () => {
    expect(parseProperties('list=a,\\\n    b,\\\n    c\n')).toEqual([{ list: 'a,b,c' }]);
  });

  it('decodes escapes, \\uXXXX and escaped separators in keys', () => {
    expect(parseProperties('tab=a\\tb\nuni=caf\\u00e9\nkey\\=with\\:seps=v\nbs=a\\\\\\\\b\n')).toEqual([
      { tab: 'a\tb', uni: 'café', 'key=with:seps': 'v', bs: 'a\\\\b' },
    ]);
  });

  it('keeps the last value of a repeated key', () => {
    expect(parseProperties('a=1\na=2\n')).toEqual([{ a: '2' }]);
  });

  it('splits Spring Boot multi-document files on #---', () => {
    expect(parseProperties('a=1\n#---\nspring.config.activate.on-profile=prod\na=2\n')).toEqual([{ a: '1' }, { 'spring.config.activate.on-profile': 'prod', a: '2' }]);
  });

  it('rejects a malformed \\u escape naming the line', () => {
    expect(() => parseProperties('ok=1\nbad=\\u12g4\n')).toThrow(/line 2: malformed/);
  });

  it('renders sorted `key: value` lines that parse back to the same values', () => {
    const flat = { 'b.x': 'two words', 'a[0]': 'x=y', 'c': ' lead\nnext', d: 5 };
    const text = renderProperties(flat);
    expect(text.split('\n')[0]).toBe('a[0]: x=y');
    expect(parseProperties(text)).toEqual([{ 'a[0]': 'x=y', 'b.x': 'two words', c: ' lead\nnext', d: '5' }]);
  });
});
