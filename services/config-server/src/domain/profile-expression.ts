/**
 * Spring profile expressions, as used in `spring.config.activate.on-profile`:
 * `prod`, `!prod`, `prod & eu`, `prod | staging`, parentheses; a list (or a
 * comma-separated string) matches when any item matches. Like Spring,
 * mixing `&` and `|` without parentheses is an error.
 */
export class ProfileExpressionError extends Error {
  override name = 'ProfileExpressionError';
}

type Token = '(' | ')' | '!' | '&' | '|' | { name: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:([()!&|])|([^()!&|\s]+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr)) !== null) {
    if (m[1]) tokens.push(m[1] as Token);
    else if (m[2]) tokens.push({ name: m[2] });
    if (re.lastIndex >= expr.length) break;
  }
  if (expr.slice(re.lastIndex).trim() !== '') throw new ProfileExpressionError(`cannot parse profile expression "${expr}"`);
  return tokens;
}

function parse(tokens: Token[], expr: string): (active: ReadonlySet<string>) => boolean {
  let pos = 0;
  const fail = (why: string): never => {
    throw new ProfileExpressionError(`invalid profile expression "${expr}": ${why}`);
  };
  const operand = (): ((a: ReadonlySet<string>) => boolean) => {
    const t = tokens[pos++];
    if (t === undefined) return fail('unexpected end');
    if (t === '!') {
      const inner = operand();
      return (a) => !inner(a);
    }
    if (t === '(') {
      const inner = sequence();
      if (tokens[pos++] !== ')') fail('missing )');
      return inner;
    }
    if (typeof t === 'object') return (a) => a.has(t.name);
    return fail(`unexpected "${t}"`);
  };
  const sequence = (): ((a: ReadonlySet<string>) => boolean) => {
    const parts = [operand()];
    let op: '&' | '|' | undefined;
    while (tokens[pos] === '&' || tokens[pos] === '|') {
      const next = tokens[pos++] as '&' | '|';
      if (op && op !== next) fail('mix of & and | needs parentheses');
      op = next;
      parts.push(operand());
    }
    return op === '&' ? (a) => parts.every((p) => p(a)) : (a) => parts.some((p) => p(a));
  };
  const result = sequence();
  if (pos !== tokens.length) fail('unexpected trailing tokens');
  return result;
}

/** Whether an activation (string, comma list or YAML list) matches the active profiles. */
export function profilesMatch(activation: unknown, active: readonly string[]): boolean {
  const items = (Array.isArray(activation) ? activation.map(String) : String(activation).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const set = new Set(active);
  return items.some((item) => parse(tokenize(item), item)(set));
}

/** Checks an activation parses, so a bad expression fails validation instead of a request. */
export function checkActivation(activation: unknown): void {
  profilesMatch(activation, []);
}

/** Plain profile names an activation mentions (for deciding which profiles to validate). */
export function mentionedProfiles(activation: unknown): string[] {
  const text = Array.isArray(activation) ? activation.join(',') : String(activation);
  return [...new Set(text.match(/[^()!&|,\s]+/g) ?? [])];
}
