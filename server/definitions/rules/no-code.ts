/**
 * Rule 4, first half: no code from a diagram ever runs. Applied to every element of the diagram,
 * non-executable pools included, because bpmn-elements can start those by message or signal and
 * a script is a risk wherever it sits.
 */
import { child, describe, ownerOf, text, trimmed, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

/** The only condition language the runtime evaluates (engine-expressions getScript). */
export function isFeel(language: string | undefined): boolean {
  return language?.trim().toLowerCase() === 'feel';
}

function scriptLanguage(format: string | undefined): string {
  const value = format?.trim();
  if (value === undefined || value === '') return 'a script';
  if (/^(javascript|js|ecmascript)$/i.test(value)) return 'JavaScript';
  return `a ${value} script`;
}

/** Attributes that make the Camunda 7 engine load Java code. */
const JAVA_ATTRIBUTES = ['class', 'delegateExpression', 'variableMappingClass', 'variableMappingDelegateExpression'] as const;

function checkScriptTask(element: ModdleElement, context: RuleContext): void {
  context.findings.error(element, `${describe(element)} runs ${scriptLanguage(text(element, 'scriptFormat'))}, which Baton does not allow; use a service task with a named handler`);
}

function checkFormalExpression(element: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(element);
  const isCondition = element.$parent?.get('conditionExpression') === element;
  const what = isCondition ? 'condition' : 'expression';
  const article = isCondition ? 'a' : 'an';
  const language = trimmed(element, 'language');
  if (language !== undefined && !isFeel(language)) {
    context.findings.error(owner, `${describe(owner)} has ${article} ${what} in '${language}', which Baton does not run; remove the language attribute (for \${...} or =FEEL) or set it to feel`);
  }
  const resource = trimmed(element, 'camunda:resource');
  if (resource !== undefined) {
    context.findings.error(owner, `${describe(owner)} loads its ${what} from the script resource '${resource}', which Baton does not run; write the ${what} inline as FEEL or \${...}`);
  }
}

function listenerAction(listener: ModdleElement): string {
  const javaClass = trimmed(listener, 'class');
  if (javaClass !== undefined) return `the Java class ${javaClass}`;
  const delegate = trimmed(listener, 'delegateExpression');
  if (delegate !== undefined) return `the Java delegate ${delegate}`;
  const script = child(listener, 'script');
  if (script !== undefined) return scriptLanguage(text(script, 'scriptFormat'));
  const expression = trimmed(listener, 'expression');
  if (expression !== undefined) return `the expression ${expression}`;
  return 'code';
}

/**
 * Every listener is refused, expression listeners too: bpmn-engine runs none of them, so
 * accepting one would promise behaviour that never happens.
 */
function checkListener(listener: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(listener);
  const kind = listener.$instanceOf('camunda:TaskListener') ? 'a task listener' : 'an execution listener';
  const event = trimmed(listener, 'event');
  context.findings.error(
    owner,
    `${describe(owner)} has ${kind}${event === undefined ? '' : ` on '${event}'`} that runs ${listenerAction(listener)}; ` +
      'Baton runs no Java or script listeners, so model that step as a service task with a named handler',
  );
}

function parameterLabel(parameter: ModdleElement | undefined): string {
  if (parameter === undefined) return 'a parameter';
  const name = trimmed(parameter, 'name') ?? trimmed(parameter, 'key');
  const kind = parameter.$instanceOf('camunda:Entry') ? 'map entry' : 'parameter';
  return name === undefined ? `a ${kind}` : `${kind} '${name}'`;
}

function checkScript(script: ModdleElement, context: RuleContext): void {
  // Listener scripts are reported with their listener.
  for (let up = script.$parent; up !== undefined; up = up.$parent) {
    if (up.$instanceOf('camunda:ExecutionListener') || up.$instanceOf('camunda:TaskListener')) return;
  }
  let parameter: ModdleElement | undefined;
  for (let up = script.$parent; up !== undefined && parameter === undefined; up = up.$parent) {
    if (up.$instanceOf('camunda:InputOutputParameter') || up.$instanceOf('camunda:Entry')) parameter = up;
  }
  const owner = ownerOf(script);
  context.findings.error(
    owner,
    `${describe(owner)} computes ${parameterLabel(parameter)} with ${scriptLanguage(text(script, 'scriptFormat'))}, which Baton does not run; use a FEEL or \${...} expression instead`,
  );
}

function checkJava(element: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(element);
  for (const attribute of JAVA_ATTRIBUTES) {
    const value = trimmed(element, `camunda:${attribute}`);
    if (value === undefined) continue;
    context.findings.error(owner, `${describe(owner)} runs Java code (camunda:${attribute}="${value}"), which Baton does not run; name one of Baton's handlers instead`);
  }
}

export function checkNoCode(context: RuleContext): void {
  for (const element of context.everything) {
    if (element.$instanceOf('bpmn:ScriptTask')) checkScriptTask(element, context);
    else if (element.$instanceOf('bpmn:FormalExpression')) checkFormalExpression(element, context);
    else if (element.$instanceOf('camunda:ExecutionListener') || element.$instanceOf('camunda:TaskListener')) {
      checkListener(element, context);
    } else if (element.$instanceOf('camunda:Script')) checkScript(element, context);
    // Message event definitions are camunda:ServiceTaskLike too (message end and throw events).
    else if (element.$instanceOf('bpmn:FlowElement') || element.$instanceOf('bpmn:EventDefinition')) {
      checkJava(element, context);
    }
  }
}
