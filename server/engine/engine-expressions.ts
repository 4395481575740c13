import { ExpressionError } from '../errors.js';
import { evaluateCondition, evaluateExpression } from './expressions/expression.js';
import { computedTimerProblem } from './timer-values.js';

/** A condition or expression that failed during a step: the step becomes an incident. */
export interface ExpressionFailure {
  elementId: string | null;
  message: string;
}

type Variables = Record<string, unknown>;
type Callback = (err: Error | null, result?: unknown) => void;

interface ScopeLike {
  environment?: { variables?: Variables };
}

interface ConditionOwner {
  id: string;
  /** Set by bpmn-elements on sequence flows: the element the flow leaves. */
  sourceId?: string;
  type?: string;
  behaviour?: { conditionExpression?: { body?: string; language?: string } };
}

/** One flow condition as evaluated, for the audit log's gateway decisions. */
export interface ConditionEvaluation {
  flowId: string;
  sourceId: string | null;
  expression: string;
  result: boolean;
  /** The variables the condition names, with the values it saw. */
  values: Variables;
}

/**
 * Variables an expression sees: the process variables, plus `environment.variables` so diagrams
 * written for bpmn-engine's own `${environment.variables.x}` form keep working.
 */
export function expressionContext(variables: Variables | undefined): Variables {
  const vars = variables ?? {};
  return 'environment' in vars ? vars : { ...vars, environment: { variables: vars } };
}

/**
 * bpmn-engine's `expressions` and `scripts` options. Every expression and every flow condition in a
 * diagram goes through Baton's FEEL evaluator; no JavaScript from a diagram is ever compiled (the
 * engine's default script handler runs node:vm, which is not a sandbox).
 */
export function createExpressionHandlers(onFailure: (failure: ExpressionFailure) => void, onCondition: (evaluation: ConditionEvaluation) => void = () => undefined) {
  const expressions = {
    resolveExpression(template: string, context?: ScopeLike & { content?: { type?: string; id?: string } }): unknown {
      if (typeof template !== 'string') return template;
      try {
        const value = evaluateExpression(template, expressionContext(context?.environment?.variables));
        // A computed timer value is checked before the engine arms it: a garbage or endless
        // sub-second cycle becomes an incident, not a crash or a hot loop.
        if (context?.content?.type === 'bpmn:TimerEventDefinition' && template.trim() !== String(value)) {
          const problem = computedTimerProblem(value);
          if (problem) throw new ExpressionError(`Timer expression "${template.trim()}" ${problem}`);
        }
        return value;
      } catch (err) {
        if (err instanceof ExpressionError) onFailure({ elementId: null, message: err.message });
        throw err;
      }
    },
    isExpression(text: unknown): boolean {
      return typeof text === 'string' && /^[$#]\{.+\}$/s.test(text);
    },
    hasExpression(text: unknown): boolean {
      return typeof text === 'string' && /[$#]\{.+?\}/s.test(text);
    },
  };

  const scripts = {
    register(): void {
      // Nothing to compile: deploy already refused script tasks and scripted conditions.
    },
    /** bpmn-elements asks this for every flow condition, whatever its language. */
    getScript(language: string | undefined, element: ConditionOwner) {
      const condition = element.behaviour?.conditionExpression;
      const lang = language?.toLowerCase();
      if (!condition || (lang !== undefined && lang !== 'feel')) {
        return {
          execute(_scope: ScopeLike, callback: Callback) {
            const message = `${element.id}: scripts (${language ?? 'none'}) are not run by Baton`;
            onFailure({ elementId: element.id, message });
            callback(new ExpressionError(message));
          },
        };
      }
      const body = (condition.body ?? '').trim();
      const text = lang === 'feel' && !body.startsWith('=') ? `=${body}` : body;
      return {
        execute(scope: ScopeLike, callback: Callback) {
          let result: boolean;
          const variables = scope.environment?.variables;
          try {
            result = evaluateCondition(text, expressionContext(variables));
          } catch (err) {
            const message = `Condition of flow '${element.id}' failed: ${err instanceof Error ? err.message : String(err)}`;
            onFailure({ elementId: element.id, message });
            return callback(new ExpressionError(message));
          }
          onCondition({ flowId: element.id, sourceId: element.sourceId ?? null, expression: body, result, values: namedValues(text, variables) });
          return callback(null, result);
        },
      };
    },
  };

  return { expressions, scripts };
}

/**
 * The variables a condition text names, with their values: what an auditor needs to see why a
 * gateway went one way. Names are matched as identifiers in the text (a name inside a string
 * literal also matches: a harmless extra value, never a missing one).
 */
function namedValues(text: string, variables: Variables | undefined): Variables {
  const values: Variables = {};
  if (!variables) return values;
  for (const name of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    if (Object.hasOwn(variables, name)) values[name] = variables[name];
  }
  return values;
}
