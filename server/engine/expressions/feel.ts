/**
 * The only place that talks to the FEEL interpreter (@bpmn-io/feelin).
 *
 * feelin never runs JavaScript from its input: it interprets a parse tree, and path lookups only
 * see own properties (`a.constructor` is null). What it does not do is fail loudly:
 * - a syntax error throws its own SyntaxError, whose message names grammar nodes
 *   ("Incomplete <Comparison>"), so it is rewritten here for process owners;
 * - unknown functions, failed built-in calls and type mismatches become null plus a warning;
 * - some inputs throw plain TypeErrors from inside the interpreter (`x instance of list`);
 * - `a == b` parses (as `a` compared with the unary test `= b`) and gives null silently, so the
 *   syntax check below refuses comparison operators in a row.
 * Calling a function that does not exist is treated as an error (as Camunda 8 does); other
 * warnings keep FEEL's null semantics, so a missing variable is simply null.
 */
import { evaluate, parseExpression, SyntaxError as FeelSyntaxError } from '@bpmn-io/feelin';

/** Why FEEL text failed, without the `Expression "..."` prefix the caller adds. */
export class FeelFailure extends Error {
  constructor(
    readonly kind: 'syntax' | 'evaluation',
    reason: string,
  ) {
    super(reason);
    this.name = 'FeelFailure';
  }
}

/** FEEL spellings for operators people bring from JavaScript or JUEL. */
const HINTS: Array<[RegExp, string]> = [
  [/==/, 'FEEL compares with "=", not "=="'],
  [/&&/, 'FEEL writes "and", not "&&"'],
  [/\|\|/, 'FEEL writes "or", not "||"'],
];

/** Grammar nodes named in "incomplete" messages; others are grammar jargon and left out. */
const NODE_WORDS: Record<string, string> = {
  Comparison: 'a comparison',
  ArithmeticExpression: 'a calculation',
  FunctionInvocation: 'a function call',
  IfExpression: 'an if-then-else',
  Conjunction: 'an "and"',
  Disjunction: 'an "or"',
  ForExpression: 'a for-return',
  QuantifiedExpression: 'a some/every-satisfies',
  List: 'a list "[...]"',
  Context: 'a context "{...}"',
  ParenthesizedExpression: 'a "(...)"',
  PathExpression: 'a path',
  StringLiteral: 'a text in quotes',
};

/**
 * @param offset where the FEEL text starts in the text the owner wrote, so positions match it.
 */
function syntaxReason(feel: string, from: number, to: number, nodeName: string | null, offset: number): string {
  let reason: string;
  if (feel.trim() === '') {
    reason = 'the expression is empty';
  } else if (from !== to) {
    reason = `unexpected "${feel.slice(from, to)}" at character ${from + offset + 1}`;
  } else {
    const rest = /^\s*(\S{1,20})/.exec(feel.slice(from));
    if (rest?.[1] === undefined) {
      const words = nodeName === null ? undefined : NODE_WORDS[nodeName];
      reason = words === undefined ? 'it ends too early' : `it ends too early (${words} is incomplete)`;
    } else {
      reason = `unexpected "${rest[1]}" at character ${feel.indexOf(rest[1], from) + offset + 1}`;
    }
  }
  const hints = HINTS.filter(([pattern]) => pattern.test(feel)).map(([, hint]) => hint);
  return hints.length > 0 ? `${reason}; ${hints.join('; ')}` : reason;
}

/**
 * Parses without variables and returns why the text is not FEEL, or null when it parses.
 * feelin's grammar is context sensitive (a variable may be called `order total`), but such names
 * also parse without the variables, so an empty context is a sound deploy-time check.
 */
export function feelSyntaxProblem(feel: string, offset = 0): string | null {
  const tree = parseExpression(feel, {}, undefined);
  let problem: string | null = null;
  tree.iterate({
    enter(node) {
      if (problem !== null) return false;
      const parentName = node.node.parent?.name ?? null;
      if (node.type.isError) {
        problem = syntaxReason(feel, node.from, node.to, parentName, offset);
        return false;
      }
      if (isStrayUnaryTest(node.name, node.node.firstChild?.name, parentName)) {
        const operator = node.node.firstChild ?? node.node;
        const why = parentName === 'Comparison' || parentName === 'SimplePositiveUnaryTest' ? 'two comparison operators in a row' : 'a comparison operator with nothing on its left';
        problem = syntaxReason(feel, operator.from, operator.to, parentName, offset).replace(/ at character \d+/, (where) => `${where}: ${why}`);
        return false;
      }
      return undefined;
    },
  });
  return problem;
}

/**
 * feelin parses `a == b` (and `a = > 1`) as a comparison with a unary test such as `= b` on its
 * right and evaluates it to null without a warning. Unary tests belong after `in` only, so
 * anywhere else this is a typo, usually JavaScript's `==`.
 */
function isStrayUnaryTest(name: string, firstChild: string | undefined, parentName: string | null): boolean {
  return name === 'SimplePositiveUnaryTest' && firstChild === 'CompareOp' && parentName !== 'PositiveUnaryTest' && parentName !== 'List';
}

/** FEEL results that are functions cannot be stored as variables or shown as text. */
function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  // feelin wraps user-defined FEEL functions in a FunctionWrapper, which it does not export.
  const candidate = value as { invoke?: unknown; parameterNames?: unknown };
  return typeof candidate.invoke === 'function' && Array.isArray(candidate.parameterNames);
}

/** Evaluates FEEL text; throws FeelFailure. `undefined` results are returned as null. */
export function runFeel(feel: string, variables: Record<string, unknown>, offset = 0): unknown {
  let result: ReturnType<typeof evaluate>;
  try {
    result = evaluate(feel, variables);
  } catch (err) {
    if (err instanceof FeelSyntaxError) {
      const nodeName = /<(\w+)>\s*$/.exec(err.message)?.[1] ?? null;
      throw new FeelFailure('syntax', syntaxReason(feel, err.position.from, err.position.to, nodeName, offset));
    }
    const detail = err instanceof Error ? err.message : String(err);
    throw new FeelFailure('evaluation', `the FEEL interpreter failed (${detail})`);
  }

  for (const warning of result.warnings) {
    if (warning.type === 'NO_FUNCTION_FOUND') {
      const call = feel.slice(warning.position.from, warning.position.to);
      throw new FeelFailure('evaluation', `"${call}" calls a function that does not exist`);
    }
    if (warning.type === 'FUNCTION_INVOCATION_FAILURE') {
      throw new FeelFailure('evaluation', warning.message);
    }
  }

  const value = result.value === undefined ? null : result.value;
  if (isFunctionValue(value)) {
    throw new FeelFailure('evaluation', 'it gives a function, not a value (is a variable missing?)');
  }
  return value;
}
