import { describe, expect, it } from 'vitest';
import { mentionedProfiles, profilesMatch } from '../../src/domain/profile-expression.js';

describe('profilesMatch (Spring profile expressions)', () => {
  it.each([
    ['prod', ['prod'], true],
    ['prod', ['dev'], false],
    ['!prod', ['dev'], true],
    ['prod & eu', ['prod', 'eu'], true],
    ['prod & eu', ['prod'], false],
    ['prod | staging', ['staging'], true],
    ['(prod | staging) & eu', ['staging', 'eu'], true],
    ['(prod | staging) & !eu', ['staging', 'eu'], false],
    ['dev,prod', ['prod'], true],
  ])('%s with %j → %s', (expr, active, expected) => {
    expect(profilesMatch(expr, active)).toBe(expected);
  });

  it('matches a YAML list when any item matches', () => {
    expect(profilesMatch(['eu', 'us'], ['us'])).toBe(true);
  });

  it('lists the plain names an expression mentions', () => {
    expect(mentionedProfiles('(prod | staging) & !eu')).toEqual(['prod', 'staging', 'eu']);
  });
});
