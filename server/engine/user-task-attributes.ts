import { ExpressionError } from '../errors.js';
import { evaluateExpression } from './expressions/expression.js';
import { expressionContext } from './engine-expressions.js';

/** The camunda attributes bpmn-elements leaves on a user task's behaviour, unresolved. */
export interface UserTaskBehaviour {
  candidateGroups?: string;
  candidateUsers?: string;
  assignee?: string;
  dueDate?: string;
  priority?: string | number;
  formKey?: string;
  extensionElements?: { values?: { $type?: string; values?: { name?: string; value?: string }[] }[] };
}

export interface UserTaskAttributes {
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  dueAt: string | null;
  priority: number | null;
  formKey: string | null;
  properties: Record<string, string>;
}

function resolve(text: string | undefined, variables: Record<string, unknown>): unknown {
  if (text === undefined || text.trim() === '') return null;
  return evaluateExpression(text.trim(), expressionContext(variables));
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return items.map((item) => String(item).trim()).filter((item) => item.length > 0);
}

function optionalText(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/**
 * An attribute the diagram sets must give a value: FEEL answers null for a missing variable or a
 * bad date, and a silently unassigned task or one without its due date is worse than an incident.
 */
function required(attribute: string, text: string | undefined, value: unknown): unknown {
  if (text === undefined || text.trim() === '') return value;
  if (value === null || value === undefined || value === '') {
    throw new ExpressionError(`camunda:${attribute} "${text.trim()}" gave no value (is a variable in it missing?)`);
  }
  return value;
}

function dueDate(text: string | undefined, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new ExpressionError(`camunda:dueDate "${(text ?? '').trim()}" gave ${JSON.stringify(String(value)).slice(0, 80)}, which is not a date`);
  return date.toISOString();
}

/** camunda:properties of an element as a plain map. */
export function camundaProperties(behaviour: UserTaskBehaviour): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of behaviour.extensionElements?.values ?? []) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of value.values ?? []) {
      if (property.name) result[property.name] = property.value ?? '';
    }
  }
  return result;
}

/**
 * Resolves the routing attributes of a user task when it opens. Throws ExpressionError when one
 * of them cannot be evaluated (deploy checked they parse; the data may still be wrong).
 */
export function resolveUserTask(behaviour: UserTaskBehaviour, variables: Record<string, unknown>): UserTaskAttributes {
  const priority = resolve(behaviour.priority === undefined ? undefined : String(behaviour.priority), variables);
  const numericPriority = priority === null ? null : Number(priority);
  return {
    candidateGroups: list(resolve(behaviour.candidateGroups, variables)),
    candidateUsers: list(resolve(behaviour.candidateUsers, variables)),
    assignee: optionalText(required('assignee', behaviour.assignee, resolve(behaviour.assignee, variables))),
    dueAt: dueDate(behaviour.dueDate, required('dueDate', behaviour.dueDate, resolve(behaviour.dueDate, variables))),
    priority: numericPriority !== null && Number.isFinite(numericPriority) ? numericPriority : null,
    formKey: optionalText(behaviour.formKey),
    properties: camundaProperties(behaviour),
  };
}
