/**
 * AMQP topic-exchange matching over event types, so `types: ['order.*']`
 * means the same on both binders: RabbitMQ binds with the patterns, Kafka
 * filters with this function. Words are dot-separated; `*` matches exactly
 * one word, `#` zero or more.
 */
export function typeMatcher(patterns: readonly string[]): (type: string) => boolean {
  if (patterns.length === 0 || patterns.includes('#')) return () => true;
  const split = patterns.map((p) => p.split('.'));
  return (type) => {
    const words = type.split('.');
    return split.some((p) => matches(p, 0, words, 0));
  };
}

function matches(pattern: string[], pi: number, words: string[], wi: number): boolean {
  if (pi === pattern.length) return wi === words.length;
  const token = pattern[pi];
  if (token === '#') {
    for (let skip = wi; skip <= words.length; skip++) if (matches(pattern, pi + 1, words, skip)) return true;
    return false;
  }
  if (wi === words.length) return false;
  return (token === '*' || token === words[wi]) && matches(pattern, pi + 1, words, wi + 1);
}

const WORD = /^(?:[A-Za-z0-9_-]+|\*|#)$/;

/** Why a type pattern is unusable, or undefined. */
export function typePatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > 255) return `type pattern "${pattern}" must be 1 to 255 characters`;
  if (!pattern.split('.').every((w) => WORD.test(w))) return `type pattern "${pattern}" must be dot-separated words, * or #`;
  return undefined;
}
