/**
 * Rule 4, second half: every expression the runtime will evaluate parses now, so a typo fails the
 * deploy instead of some instance weeks later. Timer values are checked by the timer rule.
 */
import { checkCondition, checkExpression, isExpression } from '../../engine/expressions/expression.js';
import { child, children, describe, ownerOf, text, trimmed, type ModdleElement } from '../moddle-element.js';
import { isFeel } from './no-code.js';
import type { RuleContext } from './rule-context.js';

/** User task attributes the runtime resolves as expressions when the task opens. */
const USER_TASK_EXPRESSIONS = ['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'followUpDate', 'priority'] as const;

function checkText(context: RuleContext, owner: ModdleElement, what: string, value: string | undefined): void {
  if (value === undefined || !isExpression(value)) return;
  const problem = checkExpression(value);
  if (problem !== null) context.findings.error(owner, `${describe(owner)}: ${what}: ${problem}`);
}

/** The text the runtime evaluates for a condition (engine-expressions getScript). */
function conditionText(expression: ModdleElement): string | null {
  const language = trimmed(expression, 'language');
  // Other languages are refused by the no-code rule; checking their bodies would only add noise.
  if (language !== undefined && !isFeel(language)) return null;
  const body = (text(expression, 'body') ?? '').trim();
  return language !== undefined && !body.startsWith('=') ? `=${body}` : body;
}

function checkFlowCondition(flow: ModdleElement, context: RuleContext): void {
  const expression = child(flow, 'conditionExpression');
  if (expression === undefined) return;
  const condition = conditionText(expression);
  if (condition === null) return;
  if (condition === '' || condition === '=') {
    context.findings.error(flow, `${describe(flow)} has an empty condition; write one, or remove it to make the flow unconditional`);
    return;
  }
  if (!isExpression(condition)) {
    context.findings.error(
      flow,
      `${describe(flow)} has the condition '${condition}', which is plain text, not an expression, so the engine would always take the flow; ` +
        "write it as FEEL starting with '=' (e.g. = amount > 100) or as ${variable}",
    );
    return;
  }
  const problem = checkCondition(condition);
  if (problem !== null) context.findings.error(flow, `${describe(flow)}: ${problem}`);
}

function parameterValues(parameter: ModdleElement): { label: string; value: string | undefined }[] {
  const name = trimmed(parameter, 'name') ?? trimmed(parameter, 'key') ?? '?';
  const kind = parameter.$instanceOf('camunda:Entry') ? 'map entry' : 'parameter';
  const result = [{ label: `${kind} '${name}'`, value: text(parameter, 'value') }];
  const definition = child(parameter, 'definition');
  const pending = definition === undefined ? [] : [definition];
  // Lists and maps nest; their items are values or further lists and maps.
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item.$instanceOf('camunda:Value')) result.push({ label: `${kind} '${name}'`, value: text(item, 'value') });
    pending.push(...children(item, 'items'));
    for (const entry of children(item, 'entries')) {
      result.push({ label: `${kind} '${name}'`, value: text(entry, 'value') });
      const nested = child(entry, 'definition');
      if (nested !== undefined) pending.push(nested);
    }
  }
  return result;
}

function checkInputOutput(io: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(io);
  for (const [property, direction] of [
    ['inputParameters', 'input'],
    ['outputParameters', 'output'],
  ] as const) {
    for (const parameter of children(io, property)) {
      for (const { label, value } of parameterValues(parameter)) checkText(context, owner, `${direction} ${label}`, value);
    }
  }
}

/** Camunda 8 input/output mappings: `source` is FEEL (`=…`) or a literal. */
function checkZeebeMappings(mapping: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(mapping);
  for (const [property, direction] of [
    ['inputParameters', 'input'],
    ['outputParameters', 'output'],
  ] as const) {
    for (const parameter of children(mapping, property)) {
      checkText(context, owner, `${direction} '${trimmed(parameter, 'target') ?? '?'}'`, text(parameter, 'source'));
    }
  }
}

/** Multi-instance cardinality, completion condition and the like. */
function checkOtherExpression(expression: ModdleElement, context: RuleContext): void {
  const parent = expression.$parent;
  if (parent === undefined) return;
  if (parent.get('conditionExpression') === expression || parent.$instanceOf('bpmn:TimerEventDefinition')) return;
  if (trimmed(expression, 'language') !== undefined) return;
  const owner = ownerOf(expression);
  checkText(context, owner, 'expression', text(expression, 'body')?.trim());
}

export function checkExpressions(context: RuleContext): void {
  for (const element of context.runnableElements) {
    if (element.$instanceOf('bpmn:SequenceFlow')) checkFlowCondition(element, context);
    else if (element.$instanceOf('bpmn:UserTask')) {
      for (const attribute of USER_TASK_EXPRESSIONS) {
        checkText(context, element, `camunda:${attribute}`, text(element, `camunda:${attribute}`));
      }
    } else if (element.$instanceOf('camunda:InputOutput')) checkInputOutput(element, context);
    else if (element.$instanceOf('zeebe:IoMapping')) checkZeebeMappings(element, context);
    else if (element.$instanceOf('bpmn:FormalExpression')) checkOtherExpression(element, context);
    else if (element.$instanceOf('bpmn:MultiInstanceLoopCharacteristics')) {
      checkText(context, ownerOf(element), 'camunda:collection', text(element, 'camunda:collection'));
    }
  }
}
