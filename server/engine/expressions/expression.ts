/**
 * The one evaluator for every expression and condition in a diagram.
 *
 * Syntax:
 * - `=...` is FEEL (Camunda 8 style);
 * - `${...}` is the Camunda 7 JUEL subset, translated to FEEL (see juel-to-feel.ts);
 * - anything else is plain text.
 * Nothing from a diagram is ever compiled or run as JavaScript: FEEL is interpreted by feelin and
 * `${...}` is rewritten into FEEL by a parser that accepts only the subset.
 *
 * Surrounding whitespace is ignored when deciding what a text is, because BPMN bodies are often
 * indented XML text: `\n  ${amount}\n` is the number, not a string with newlines.
 */
import { ExpressionError } from '../../errors.js';
import { BoundedCache } from './cache.js';
import { FeelFailure, feelSyntaxProblem, runFeel } from './feel.js';
import { JuelError, juelToFeel } from './juel-to-feel.js';
import { TemplateError, hasTemplatePart, splitTemplate, type TemplatePart } from './template.js';

type Variables = Record<string, unknown>;

type CompiledPart = { kind: 'text'; text: string } | { kind: 'feel'; feel: string; offset: number };

/**
 * A text after parsing, cached by text. Holding the FEEL text rather than a parse tree is forced
 * by feelin: its API only evaluates text, and its parse depends on the variables (names may
 * contain spaces). What the cache saves is the translation and the syntax check.
 */
type Compiled =
  | { kind: 'literal'; text: string }
  /** `=` FEEL, or exactly one `${...}`: the value keeps its type. */
  | { kind: 'value'; feel: string; offset: number }
  /** `${...}` parts inside text: the result is a string. */
  | { kind: 'template'; parts: CompiledPart[] }
  | { kind: 'invalid'; reason: string };

type Label = 'Expression' | 'Condition';

const cache = new BoundedCache<Compiled>(2000);

const SHOWN_LENGTH = 160;

function shown(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > SHOWN_LENGTH ? `${trimmed.slice(0, SHOWN_LENGTH)}…` : trimmed;
}

function translate(body: string, start: number): CompiledPart | { kind: 'invalid'; reason: string } {
  let feel: string;
  try {
    feel = juelToFeel(body);
  } catch (err) {
    if (err instanceof JuelError) {
      return { kind: 'invalid', reason: `${err.message} (at character ${start + err.index + 1})` };
    }
    throw err;
  }
  // The translator only emits well-formed FEEL; checking anyway turns a translator bug into a
  // refused diagram instead of a failure on some later instance.
  const problem = feelSyntaxProblem(feel);
  if (problem !== null) {
    return { kind: 'invalid', reason: `"\${${body}}" could not be translated to FEEL (${problem})` };
  }
  return { kind: 'feel', feel, offset: start };
}

function compileUncached(text: string): Compiled {
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;

  if (trimmed.startsWith('=')) {
    const feel = trimmed.slice(1);
    const problem = feelSyntaxProblem(feel, lead + 1);
    return problem === null ? { kind: 'value', feel, offset: lead + 1 } : { kind: 'invalid', reason: problem };
  }
  if (!text.includes('${') && !text.includes('#{')) return { kind: 'literal', text };

  let split: TemplatePart[];
  try {
    split = splitTemplate(text);
  } catch (err) {
    if (err instanceof TemplateError) return { kind: 'invalid', reason: err.message };
    throw err;
  }

  const parts: CompiledPart[] = [];
  for (const part of split) {
    if (part.kind === 'text') {
      parts.push(part);
      continue;
    }
    const compiled = translate(part.body, part.start);
    if (compiled.kind === 'invalid') return compiled;
    parts.push(compiled);
  }

  const meaningful = parts.filter((part) => !(part.kind === 'text' && part.text.trim() === ''));
  const only = meaningful[0];
  if (meaningful.length === 1 && only?.kind === 'feel') {
    return { kind: 'value', feel: only.feel, offset: only.offset };
  }
  if (parts.every((part) => part.kind === 'text')) {
    // Only escaped `\${` parts: plain text with the escapes resolved.
    return { kind: 'literal', text: parts.map((part) => (part.kind === 'text' ? part.text : '')).join('') };
  }
  return { kind: 'template', parts };
}

function compile(text: string): Compiled {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(text);
  cache.set(text, compiled);
  return compiled;
}

function doesNotParse(label: Label, text: string, reason: string): ExpressionError {
  return new ExpressionError(`${label} "${shown(text)}" does not parse: ${reason}`);
}

function run(label: Label, text: string, feel: string, offset: number, variables: Variables): unknown {
  try {
    return runFeel(feel, variables, offset);
  } catch (err) {
    if (err instanceof FeelFailure) {
      if (err.kind === 'syntax') throw doesNotParse(label, text, err.message);
      throw new ExpressionError(`${label} "${shown(text)}" cannot be evaluated: ${err.message}`);
    }
    throw err;
  }
}

/** How a value reads inside text: missing values are empty, lists and contexts are JSON. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype) {
    try {
      return JSON.stringify(value);
    } catch {
      // Cyclic data cannot be JSON; its default string is still better than failing the step.
      return String(value);
    }
  }
  // FEEL dates, times and durations print as ISO 8601 text.
  return String(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null (is a variable in it missing?)';
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the text "${text}"`;
  }
  if (typeof value === 'number') return `the number ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (Object.getPrototypeOf(value) === Object.prototype) return 'an object';
  return `the value ${String(value)}`;
}

/**
 * Evaluates an expression against the process variables: `=` FEEL or a single `${...}` keep the
 * value's type, `${...}` inside text gives a string, plain text is returned as it is.
 * @throws ExpressionError when the text does not parse or cannot be evaluated
 */
export function evaluateExpression(text: string, variables: Record<string, unknown>): unknown {
  const compiled = compile(text);
  switch (compiled.kind) {
    case 'literal':
      return compiled.text;
    case 'invalid':
      throw doesNotParse('Expression', text, compiled.reason);
    case 'value':
      return run('Expression', text, compiled.feel, compiled.offset, variables);
    case 'template':
      return compiled.parts.map((part) => (part.kind === 'text' ? part.text : asText(run('Expression', text, part.feel, part.offset, variables)))).join('');
  }
}

/** Why a text cannot be a condition at all, before any variables are seen. */
function conditionShapeProblem(text: string, compiled: Compiled): string | null {
  if (compiled.kind === 'literal') {
    return `Condition "${shown(text)}" is not an expression: write it as \${...} or as FEEL starting with "="` + ' (plain text would always be taken)';
  }
  if (compiled.kind === 'template') {
    return `Condition "${shown(text)}" mixes text with \${...}, so it gives text, not true or false`;
  }
  if (compiled.kind === 'invalid') return doesNotParse('Condition', text, compiled.reason).message;
  return null;
}

/**
 * Evaluates a condition; the result must be exactly true or false.
 * @throws ExpressionError when the text is not an expression, does not parse, cannot be evaluated
 *   or gives anything but a boolean (null included: a condition that cannot decide must not pass
 *   silently as false)
 */
export function evaluateCondition(text: string, variables: Record<string, unknown>): boolean {
  const compiled = compile(text);
  const problem = conditionShapeProblem(text, compiled);
  if (problem !== null || compiled.kind !== 'value') {
    throw new ExpressionError(problem ?? `Condition "${shown(text)}" is not an expression`);
  }
  const value = run('Condition', text, compiled.feel, compiled.offset, variables);
  if (typeof value !== 'boolean') {
    throw new ExpressionError(`Condition "${shown(text)}" did not give true or false but ${describe(value)}`);
  }
  return value;
}

/** Deploy-time check of an expression, without variables: null when it parses, else the reason. */
export function checkExpression(text: string): string | null {
  const compiled = compile(text);
  return compiled.kind === 'invalid' ? doesNotParse('Expression', text, compiled.reason).message : null;
}

/**
 * Deploy-time check of a flow condition: like checkExpression, but also refuses plain text and
 * text mixed with `${...}`, which can never give true or false.
 */
export function checkCondition(text: string): string | null {
  return conditionShapeProblem(text, compile(text));
}

/** True when the text is `=` FEEL or holds a `${...}` part (whether or not it parses). */
export function isExpression(text: string): boolean {
  return text.trimStart().startsWith('=') || hasTemplatePart(text);
}
