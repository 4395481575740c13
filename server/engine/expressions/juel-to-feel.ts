/**
 * Translates the body of a Camunda 7 `${...}` expression (a small JUEL subset) into FEEL text.
 *
 * Diagrams written for Camunda 7 or bpmn-engine use `${...}`; rather than run a second evaluator
 * with its own semantics, the subset is rewritten into FEEL and evaluated by the same interpreter
 * as `=` expressions. Anything outside the subset is refused with a message naming the offending
 * part, so a diagram never silently gets a different meaning than its author intended.
 *
 * Supported: paths `a.b.c`, literals (numbers, 'single' or "double" quoted strings, true, false,
 * null), `!`/`not`, `empty`, unary `-`, `* / div`, `+ -`, `< <= > >= lt le gt ge`,
 * `== != eq ne`, `&& and`, `|| or`, `cond ? a : b` and parentheses.
 */

/** A `${...}` body that is outside the supported subset. `index` is 0-based within the body. */
export class JuelError extends Error {
  readonly index: number;

  constructor(reason: string, index: number) {
    super(reason);
    this.name = 'JuelError';
    this.index = index;
  }
}

type TokenKind = 'ident' | 'keyword' | 'number' | 'string' | 'op' | 'end';

interface Token {
  kind: TokenKind;
  /** Source text, shown in messages. */
  text: string;
  /** Decoded value for strings, normalised text for numbers, the operator or keyword otherwise. */
  value: string;
  index: number;
}

const KEYWORDS = new Set(['true', 'false', 'null', 'empty', 'not', 'and', 'or', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'div', 'mod', 'instanceof']);

/**
 * Names FEEL reads as syntax unless a variable of that name happens to exist, so `${x.for}` would
 * parse for one instance and not for the next. Refusing them up front gives one clear message.
 */
const FEEL_KEYWORDS = new Set(['if', 'then', 'else', 'for', 'in', 'return', 'some', 'every', 'satisfies', 'instance', 'function', 'external', 'between', 'and', 'or', 'true', 'false', 'null']);

/** Parses after a dot, but on its own `of` is part of `instance of`. */
const FEEL_ROOT_KEYWORDS = new Set([...FEEL_KEYWORDS, 'of']);

/** Camunda 7 engine objects: they do not exist here, and pretending they do would hide a port bug. */
const ENGINE_OBJECTS = new Set(['execution', 'task', 'this', 'externalTask', 'authenticatedUserId']);

/** JavaScript internals; FEEL would not reach them anyway, but a diagram naming them is suspect. */
const FORBIDDEN_SEGMENTS = new Set(['constructor', '__proto__', 'prototype']);

// Longest first, so `<=` is not read as `<` followed by `=`.
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '+=', '->', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '.', '?', ':', '[', ']', ',', '=', ';', '{', '}'];

const BRACKETS_UNSUPPORTED = 'brackets "[...]" are not supported (use a.b paths, or a FEEL expression starting with "=")';

const UNSUPPORTED_OPERATORS: Record<string, string> = {
  '=': 'assignment with "=" is not supported (compare with "==")',
  '+=': 'string concatenation with "+=" is not supported',
  '->': 'lambda expressions ("->") are not supported',
  ';': 'several statements separated by ";" are not supported',
  '%': 'the remainder operator "%" is not supported (use FEEL: =modulo(a, b))',
  '[': BRACKETS_UNSUPPORTED,
  ',': '"," is not supported here',
  '{': 'braces "{...}" are not supported',
  '}': 'an unmatched "}"',
};

const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  mod: 'the remainder operator "mod" is not supported (use FEEL: =modulo(a, b))',
  instanceof: '"instanceof" is not supported',
};

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_$]/.test(ch);
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$]/.test(ch);
}

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (isIdentStart(ch)) {
      while (i < body.length && isIdentPart(body.charAt(i))) i++;
      const word = body.slice(start, i);
      tokens.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', text: word, value: word, index: start });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(body.charAt(i + 1)))) {
      const match = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(body.slice(i));
      // The guard above guarantees at least one digit, so the pattern always matches.
      const literal = match ? match[0] : ch;
      i += literal.length;
      if (isIdentStart(body.charAt(i))) {
        throw new JuelError(`"${literal}${body.charAt(i)}" is not a valid number or name`, start);
      }
      tokens.push({ kind: 'number', text: literal, value: normaliseNumber(literal, start), index: start });
      continue;
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = readString(body, i);
      tokens.push({ kind: 'string', text: body.slice(start, end), value, index: start });
      i = end;
      continue;
    }
    const op = OPERATORS.find((candidate) => body.startsWith(candidate, i));
    if (op === undefined) {
      throw new JuelError(`unexpected character "${ch}"`, start);
    }
    tokens.push({ kind: 'op', text: op, value: op, index: start });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', value: '', index: body.length });
  return tokens;
}

/** FEEL numbers are plain decimals; exponents are expanded here so FEEL never sees them. */
function normaliseNumber(literal: string, index: number): string {
  const value = Number(literal);
  const text = String(value);
  if (!Number.isFinite(value) || /e/i.test(text)) {
    throw new JuelError(`the number ${literal} is out of the supported range`, index);
  }
  return text;
}

/**
 * JUEL escapes only `\\`, `\'` and `\"`; any other backslash is kept as written, as JUEL does.
 */
function readString(body: string, start: number): { value: string; end: number } {
  const quote = body.charAt(start);
  let value = '';
  let i = start + 1;
  while (i < body.length) {
    const ch = body.charAt(i);
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\\') {
      const next = body.charAt(i + 1);
      if (next === '\\' || next === "'" || next === '"') {
        value += next;
        i += 2;
        continue;
      }
    }
    value += ch;
    i++;
  }
  throw new JuelError(`the text starting with ${quote} is never closed`, start);
}

/** FEEL string literal; control characters other than newline, CR and tab have no safe escape. */
function feelString(value: string, index: number): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20) {
      throw new JuelError('a text contains a control character that is not supported', index);
    } else out += ch;
  }
  return `${out}"`;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end' : `"${token.text}"`;
}

/**
 * Recursive descent following the EL operator precedence, lowest first: `?:`, `||`, `&&`,
 * equality, relational, additive, multiplicative, unary, path. Every operation is emitted in
 * parentheses so FEEL's own precedence (which differs, e.g. FEEL does not chain comparisons the
 * same way) never changes the meaning.
 */
class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): string {
    if (this.peek().kind === 'end') {
      throw new JuelError('the expression is empty', 0);
    }
    const feel = this.ternary();
    const rest = this.peek();
    if (rest.kind !== 'end') this.unexpected(rest);
    return feel;
  }

  private peek(): Token {
    // The token list always ends with an 'end' token and pos never moves past it.
    const token = this.tokens[this.pos] ?? this.tokens.at(-1);
    if (!token) throw new Error('JUEL parser: no tokens, not even the end');
    return token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.pos++;
    return token;
  }

  private isOp(...ops: string[]): boolean {
    const token = this.peek();
    return (token.kind === 'op' || token.kind === 'keyword') && ops.includes(token.value);
  }

  private unexpected(token: Token, after?: Token): never {
    const unsupported = token.kind === 'op' ? UNSUPPORTED_OPERATORS[token.value] : token.kind === 'keyword' ? UNSUPPORTED_KEYWORDS[token.value] : undefined;
    if (unsupported) throw new JuelError(unsupported, token.index);
    if (token.kind === 'end') {
      const where = after ? ` after "${after.text}"` : '';
      throw new JuelError(`a value is missing${where}`, token.index);
    }
    throw new JuelError(`unexpected ${describe(token)}`, token.index);
  }

  private ternary(): string {
    const condition = this.or();
    if (!this.isOp('?')) return condition;
    const question = this.next();
    const then = this.operand(question, () => this.ternary());
    if (!this.isOp(':')) {
      const token = this.peek();
      if (token.kind === 'end') throw new JuelError('"? :" is missing its ":" part', token.index);
      this.unexpected(token);
    }
    const colon = this.next();
    const otherwise = this.operand(colon, () => this.ternary());
    return `(if ${condition} then ${then} else ${otherwise})`;
  }

  /** Parses the operand after an operator, naming the operator when the operand is missing. */
  private operand(operator: Token, parse: () => string): string {
    if (this.peek().kind === 'end') this.unexpected(this.peek(), operator);
    return parse();
  }

  private binary(ops: Record<string, string>, parseOperand: () => string): string {
    let left = parseOperand();
    while (this.isOp(...Object.keys(ops))) {
      const operator = this.next();
      const right = this.operand(operator, parseOperand);
      left = `(${left} ${ops[operator.value] ?? operator.value} ${right})`;
    }
    return left;
  }

  private or(): string {
    return this.binary({ '||': 'or', or: 'or' }, () => this.and());
  }

  private and(): string {
    return this.binary({ '&&': 'and', and: 'and' }, () => this.equality());
  }

  private equality(): string {
    return this.binary({ '==': '=', eq: '=', '!=': '!=', ne: '!=' }, () => this.relational());
  }

  private relational(): string {
    return this.binary({ '<': '<', lt: '<', '<=': '<=', le: '<=', '>': '>', gt: '>', '>=': '>=', ge: '>=' }, () => this.additive());
  }

  private additive(): string {
    return this.binary({ '+': '+', '-': '-' }, () => this.multiplicative());
  }

  private multiplicative(): string {
    return this.binary({ '*': '*', '/': '/', div: '/' }, () => this.unary());
  }

  private unary(): string {
    if (this.isOp('!', 'not')) {
      const operator = this.next();
      return `not(${this.operand(operator, () => this.unary())})`;
    }
    if (this.isOp('-')) {
      const operator = this.next();
      return `(-${this.operand(operator, () => this.unary())})`;
    }
    if (this.isOp('empty')) {
      const operator = this.next();
      const value = this.operand(operator, () => this.unary());
      // JUEL `empty` is true for null, "", [] and {}. A FEEL comparison across types gives null,
      // so each test is compared with true to keep the result a plain boolean.
      return `((${value} = null) = true or (${value} = "") = true or (${value} = []) = true or (${value} = {}) = true)`;
    }
    return this.primary();
  }

  private primary(): string {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return token.value;
    }
    if (token.kind === 'string') {
      this.next();
      return feelString(token.value, token.index);
    }
    if (token.kind === 'keyword' && (token.value === 'true' || token.value === 'false' || token.value === 'null')) {
      this.next();
      return token.value;
    }
    if (token.kind === 'op' && token.value === '(') {
      this.next();
      const inner = this.operand(token, () => this.ternary());
      if (!this.isOp(')')) {
        const closing = this.peek();
        if (closing.kind === 'end') throw new JuelError('a "(" is never closed with ")"', token.index);
        this.unexpected(closing);
      }
      this.next();
      return `(${inner})`;
    }
    if (token.kind === 'ident') return this.path();
    this.unexpected(token);
  }

  private path(): string {
    const root = this.next();
    this.checkName(root, true);
    const segments = [root.text];
    let source = root.text;
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const name = this.peek();
        if (name.kind !== 'ident' && name.kind !== 'keyword') {
          if (name.kind === 'end') throw new JuelError(`a name is missing after "${source}."`, name.index);
          throw new JuelError(`unexpected ${describe(name)} after "${source}."`, dot.index);
        }
        this.next();
        this.checkName(name, false);
        segments.push(name.text);
        source += `.${name.text}`;
        continue;
      }
      if (this.isOp('(')) {
        throw new JuelError(`calling "${source}(...)" is not supported: method and function calls are not allowed`, this.peek().index);
      }
      if (this.isOp('[')) {
        throw new JuelError(`"${source}[...]": ${BRACKETS_UNSUPPORTED}`, this.peek().index);
      }
      return segments.join('.');
    }
  }

  private checkName(token: Token, isRoot: boolean): void {
    const name = token.text;
    if (name.includes('$')) {
      throw new JuelError(`"${name}": "$" is not supported in names`, token.index);
    }
    if (FORBIDDEN_SEGMENTS.has(name)) {
      throw new JuelError(`"${name}" is not allowed in a path`, token.index);
    }
    if ((isRoot ? FEEL_ROOT_KEYWORDS : FEEL_KEYWORDS).has(name)) {
      throw new JuelError(`"${name}" cannot be used as a name here (it is a FEEL keyword)`, token.index);
    }
    if (isRoot && ENGINE_OBJECTS.has(name)) {
      throw new JuelError(`"${name}" is a Camunda 7 engine object and is not available; use process variables`, token.index);
    }
  }
}

/** Translates a `${...}` body (without `${` and `}`) to FEEL; throws JuelError when unsupported. */
export function juelToFeel(body: string): string {
  return new Parser(tokenize(body)).parse();
}
