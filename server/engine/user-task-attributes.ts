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
  extensionElements?: { values?: ExtensionValue[] };
  /** Standard BPMN people assignment as bpmn-elements keeps it: potentialOwner / humanPerformer with their expression. */
  resources?: { type?: string; expression?: string }[];
}

interface ExtensionValue {
  $type?: string;
  values?: { name?: string; value?: string }[];
  /** zeebe:AssignmentDefinition */
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  /** zeebe:FormDefinition */
  formKey?: string;
}

export interface UserTaskAttributes {
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  dueAt: string | null;
  /** `camunda:dueDate` given as an ISO 8601 duration (`PT8H`): the runner counts it from the task's opening, in business time where a calendar applies. */
  dueDuration: string | null;
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

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(?:\.\d+)?S)?)?$/;

/** A `camunda:dueDate` that is an ISO duration counts from the task's start (in working time when a calendar applies). */
function dueDuration(value: unknown): string | null {
  return typeof value === 'string' && DURATION.test(value.trim()) ? value.trim() : null;
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
  if (value === null || value === undefined || value === '' || dueDuration(value)) return null;
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
 * `potentialOwner` / `humanPerformer` resource expressions as Camunda 7 reads them:
 * `group(sales), user(kermit)`; a bare name is a group for a potential owner and a user for a
 * performer (the one person doing the task).
 */
function peopleOf(behaviour: UserTaskBehaviour, variables: Record<string, unknown>): { groups: string[]; users: string[]; performer: string | null } {
  const groups: string[] = [];
  const users: string[] = [];
  let performer: string | null = null;
  for (const resource of behaviour.resources ?? []) {
    const text = resource.expression?.trim();
    if (!text) continue;
    const isPerformer = resource.type === 'bpmn:HumanPerformer';
    for (const entry of list(resolve(text, variables))) {
      const call = /^(user|group)\((.*)\)$/.exec(entry);
      const kind = call?.[1] ?? (isPerformer ? 'user' : 'group');
      const name = (call?.[2] ?? entry).trim();
      if (name === '') continue;
      if (kind === 'group') groups.push(name);
      else if (isPerformer && performer === null) performer = name;
      else users.push(name);
    }
  }
  return { groups, users, performer };
}

/** Camunda 8's `zeebe:assignmentDefinition` and `zeebe:formDefinition`, where the task has no Camunda 7 attribute. */
function zeebeValue(behaviour: UserTaskBehaviour, type: string, key: 'assignee' | 'candidateGroups' | 'candidateUsers' | 'formKey'): string | undefined {
  for (const value of behaviour.extensionElements?.values ?? []) {
    const text = value.$type === type ? value[key]?.trim() : undefined;
    if (text) return text;
  }
  return undefined;
}

/** A task name with expressions (`Review ${loopCounter}`), resolved with the variables; the name as written when it cannot be. */
export function resolveTaskName(name: string, variables: Record<string, unknown>): string {
  try {
    const value = resolve(name, variables);
    return value === null ? name : String(value);
  } catch {
    return name;
  }
}

/**
 * Resolves the routing attributes of a user task when it opens. Throws ExpressionError when one
 * of them cannot be evaluated (deploy checked they parse; the data may still be wrong).
 */
export function resolveUserTask(behaviour: UserTaskBehaviour, variables: Record<string, unknown>): UserTaskAttributes {
  const priority = resolve(behaviour.priority === undefined ? undefined : String(behaviour.priority), variables);
  const numericPriority = priority === null ? null : Number(priority);
  const people = peopleOf(behaviour, variables);
  const zeebe = 'zeebe:AssignmentDefinition';
  const assigneeText = behaviour.assignee ?? zeebeValue(behaviour, zeebe, 'assignee');
  const due = required('dueDate', behaviour.dueDate, resolve(behaviour.dueDate, variables));
  return {
    candidateGroups: [...list(resolve(behaviour.candidateGroups ?? zeebeValue(behaviour, zeebe, 'candidateGroups'), variables)), ...people.groups],
    candidateUsers: [...list(resolve(behaviour.candidateUsers ?? zeebeValue(behaviour, zeebe, 'candidateUsers'), variables)), ...people.users],
    assignee: optionalText(required('assignee', assigneeText, resolve(assigneeText, variables))) ?? people.performer,
    dueAt: dueDate(behaviour.dueDate, due),
    dueDuration: dueDuration(due),
    priority: numericPriority !== null && Number.isFinite(numericPriority) ? numericPriority : null,
    formKey: optionalText(behaviour.formKey ?? zeebeValue(behaviour, 'zeebe:FormDefinition', 'formKey')),
    properties: camundaProperties(behaviour),
  };
}

/**
 * What one iteration of a multi-instance task adds to its expressions, as Camunda 7 has it:
 * `loopCounter` (from 0) and the element variable (`camunda:elementVariable`, default `item`)
 * holding this iteration's element of the collection (`camunda:assignee="${approver}"`).
 */
export function iterationVariables(api: { content: Record<string, unknown>; owner: { behaviour: Record<string, unknown> } }): Record<string, unknown> {
  if (api.content['isMultiInstance'] !== true || typeof api.content['index'] !== 'number') return {};
  const loop = api.owner.behaviour['loopCharacteristics'] as { behaviour?: { elementVariable?: unknown }; elementVariable?: unknown } | undefined;
  const declared = loop?.behaviour?.elementVariable ?? loop?.elementVariable;
  const name = typeof declared === 'string' && declared !== '' ? declared : 'item';
  return { loopCounter: api.content['index'], ...(name in api.content ? { [name]: api.content[name] } : {}) };
}
