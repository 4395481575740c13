/**
 * The "Baton" group of the properties panel: what Baton runs on, picked from the server's real
 * lists and written through bpmn-js commands (undoable): the department of a user task, its
 * assignment rule, its SLA timers in one action, its task form; the FEEL condition of a flow; the
 * handler of a service task.
 */
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useState } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';

import { checkCondition } from '../../../../server/engine/expressions/expression.js';
import { connectorName } from '../../../../server/engine/service-binding.js';
import { t } from '../../shared/i18n.js';
import { ADD_SLA, SET_CAMUNDA_PROPERTY, camundaPropertiesOf } from '../baton-commands.js';
import { isType, type BusinessObject, type CommandStack, type EventBus, type Modeling, type Shape } from '../diagram-types.js';
import { parseSlaDuration } from '../sla-duration.js';

/** Lists from the server, filled after start; empty when an endpoint is missing or refused. */
export interface BatonCatalog {
  departments: { id: string; name: string; parentId?: string | null }[];
  handlers: string[];
  /** Business calendars (issue 16); empty when the list is missing. */
  calendars?: { id: string; name: string }[];
}

export const ASSIGNMENT_RULES = ['claim', 'round-robin', 'least-loaded', 'skills'] as const;
export const FORM_EDIT_EVENT = 'baton.form.edit';

type Option = { value: string; label: string };
type EntryProps = { element: Shape; id: string };

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'];

function withCurrent(options: Option[], current: string): Option[] {
  return current && !options.some((option) => option.value === current) ? [...options, { value: current, label: t('modeler:panel.unknown', { value: current }) }] : options;
}

function DepartmentEntry({ element, id }: EntryProps) {
  const modeling = useService<Modeling>('modeling');
  const catalog = useService<BatonCatalog>('batonCatalog');
  const debounce = useService('debounceInput');
  const getValue = () => String(element.businessObject.get('camunda:candidateGroups') ?? '');
  if (catalog.departments.length === 0) {
    return h(TextFieldEntry, {
      element,
      id,
      label: t('modeler:panel.departmentId'),
      description: t('modeler:panel.departmentIdHelp'),
      getValue,
      setValue: (value: string) => modeling.updateProperties(element, { 'camunda:candidateGroups': value || undefined }),
      debounce,
    });
  }
  return h(SelectEntry, {
    element,
    id,
    label: t('modeler:panel.department'),
    getValue,
    setValue: (value: string) => modeling.updateProperties(element, { 'camunda:candidateGroups': value || undefined }),
    getOptions: () => withCurrent([{ value: '', label: t('modeler:panel.routeByLane') }, ...catalog.departments.map((d) => ({ value: d.id, label: `${d.name} (${d.id})` }))], getValue()),
  });
}

function setProperty(commandStack: CommandStack, element: Shape, name: string, value: string): void {
  commandStack.execute(SET_CAMUNDA_PROPERTY, { element, name, value });
}

function AssignmentEntry({ element, id }: EntryProps) {
  const commandStack = useService<CommandStack>('commandStack');
  return h(SelectEntry, {
    element,
    id,
    label: t('modeler:panel.assignment'),
    getValue: () => camundaPropertiesOf(element.businessObject)['assignment'] ?? '',
    setValue: (value: string) => setProperty(commandStack, element, 'assignment', value),
    getOptions: () => [{ value: '', label: t('modeler:panel.defaultClaim') }, ...ASSIGNMENT_RULES.map((rule) => ({ value: rule, label: rule }))],
  });
}

function SkillsEntry({ element, id }: EntryProps) {
  const commandStack = useService<CommandStack>('commandStack');
  return h(TextFieldEntry, {
    element,
    id,
    label: t('modeler:panel.skills'),
    description: t('modeler:panel.skillsHelp'),
    getValue: () => camundaPropertiesOf(element.businessObject)['requiredSkills'] ?? '',
    setValue: (value: string) => setProperty(commandStack, element, 'requiredSkills', (value ?? '').trim()),
    debounce: useService('debounceInput'),
  });
}

/** "Escalate after N to <department>" / "Warn after N": boundary timers, flows and tasks in one step. */
function SlaEntry({ element, id }: EntryProps) {
  const commandStack = useService<CommandStack>('commandStack');
  const catalog = useService<BatonCatalog>('batonCatalog');
  const [after, setAfter] = useState('20h');
  const [department, setDepartment] = useState('');
  const [warnAfter, setWarnAfter] = useState('16h');
  const [error, setError] = useState('');
  // The escalation pyramid: unless chosen, escalate to the parent of the task's department.
  const own = String(element.businessObject.get('camunda:candidateGroups') ?? '')
    .split(',')[0]
    ?.trim();
  const target = department || catalog.departments.find((d) => d.id === own)?.parentId || '';

  const add = (kind: 'escalate' | 'warn') => {
    const duration = parseSlaDuration(kind === 'escalate' ? after : warnAfter);
    if (!duration) {
      setError(t('modeler:panel.badDuration'));
      return;
    }
    if (kind === 'escalate' && !target) {
      setError(t('modeler:panel.chooseEscalation'));
      return;
    }
    setError('');
    commandStack.execute(ADD_SLA, { element, kind, duration: duration.iso, department: target, label: kind === 'escalate' ? duration.label : `${duration.label}: warn` });
  };
  const input = (value: string, set: (v: string) => void, name: string) =>
    h('input', { class: 'bio-properties-panel-input', name, value, onInput: (e: Event) => set((e.target as HTMLInputElement).value), style: 'width: 5rem' });
  const departmentPicker =
    catalog.departments.length > 0
      ? h(
          'select',
          { class: 'bio-properties-panel-input', name: 'sla-department', value: target, onChange: (e: Event) => setDepartment((e.target as HTMLSelectElement).value) },
          h('option', { value: '' }, t('modeler:panel.toDepartment')),
          ...catalog.departments.map((d) => h('option', { value: d.id }, d.name)),
        )
      : input(target, setDepartment, 'sla-department');
  return h(
    'div',
    { class: 'bio-properties-panel-entry baton-sla', 'data-entry-id': id },
    h('label', { class: 'bio-properties-panel-label' }, t('modeler:panel.sla')),
    h(
      'div',
      { class: 'baton-sla-row' },
      t('modeler:panel.escalateAfter'),
      input(after, setAfter, 'sla-escalate-after'),
      departmentPicker,
      h('button', { type: 'button', class: 'baton-button', name: 'sla-escalate', onClick: () => add('escalate') }, t('modeler:panel.add')),
    ),
    h(
      'div',
      { class: 'baton-sla-row' },
      t('modeler:panel.warnAfter'),
      input(warnAfter, setWarnAfter, 'sla-warn-after'),
      h('button', { type: 'button', class: 'baton-button', name: 'sla-warn', onClick: () => add('warn') }, t('modeler:panel.add')),
    ),
    error ? h('div', { class: 'bio-properties-panel-error' }, error) : null,
  );
}

function timerDefinitionOf(element: Shape): BusinessObject | undefined {
  const definitions = element.businessObject.get('eventDefinitions') as BusinessObject[] | undefined;
  return definitions?.find((definition) => definition.$type === 'bpmn:TimerEventDefinition');
}

/** "20 h of working time, calendar: Support": which calendar a timer's duration counts in (baton:calendar). */
function CalendarEntry({ element, id }: EntryProps) {
  const modeling = useService<Modeling>('modeling');
  const catalog = useService<BatonCatalog>('batonCatalog');
  const timer = timerDefinitionOf(element);
  const getValue = () => String(timer?.get('baton:calendar') ?? '');
  const duration = String(timer?.get<BusinessObject | undefined>('timeDuration')?.get('body') ?? '').trim();
  const names = new Map((catalog.calendars ?? []).map((calendar) => [calendar.id, calendar.name]));
  const chosen = getValue();
  const description = !chosen
    ? 'Wall-clock time (or the process calendar)'
    : `${duration || 'The duration'} of working time, calendar: ${chosen === 'department' ? "the task's department" : (names.get(chosen) ?? chosen)}`;
  return h(SelectEntry, {
    element,
    id,
    label: 'Calendar',
    description,
    getValue,
    setValue: (value: string) => {
      if (timer) modeling.updateModdleProperties(element, timer, { 'baton:calendar': value || undefined });
    },
    getOptions: () =>
      withCurrent(
        [
          { value: '', label: '(none: wall-clock time)' },
          { value: 'department', label: "The task department's calendar" },
          ...(catalog.calendars ?? []).map((calendar) => ({ value: calendar.id, label: `${calendar.name} (${calendar.id})` })),
        ],
        getValue(),
      ),
  });
}

function FormEntry({ element, id }: EntryProps) {
  const eventBus = useService<EventBus>('eventBus');
  const formKey = String(element.businessObject.get('camunda:formKey') ?? '');
  return h(
    'div',
    { class: 'bio-properties-panel-entry', 'data-entry-id': id },
    h('label', { class: 'bio-properties-panel-label' }, formKey ? t('modeler:panel.taskFormKey', { formKey }) : t('modeler:panel.taskForm')),
    h(
      'button',
      { type: 'button', class: 'baton-button', name: 'edit-form', onClick: () => eventBus.fire(FORM_EDIT_EVENT, { element }) },
      t(formKey ? 'modeler:panel.editForm' : 'modeler:panel.createForm'),
    ),
  );
}

function conditionOf(bo: BusinessObject): string {
  return String(bo.get<BusinessObject | undefined>('conditionExpression')?.get('body') ?? '');
}

function ConditionEntry({ element, id }: EntryProps) {
  const modeling = useService<Modeling>('modeling');
  const factory = useService<{ create(type: string, attrs: Record<string, unknown>): BusinessObject }>('bpmnFactory');
  return h(TextFieldEntry, {
    element,
    id,
    label: t('modeler:panel.condition'),
    description: t('modeler:panel.conditionHelp'),
    getValue: () => conditionOf(element.businessObject),
    setValue: (value: string) => {
      const text = (value ?? '').trim();
      modeling.updateProperties(element, { conditionExpression: text ? factory.create('bpmn:FormalExpression', { body: text }) : undefined });
    },
    validate: (value: string) => {
      const text = (value ?? '').trim();
      if (!text) return null;
      if (!text.startsWith('=') && !text.includes('${')) return t('modeler:panel.conditionFeel');
      return checkCondition(text);
    },
    debounce: useService('debounceInput'),
  });
}

function HandlerEntry({ element, id }: EntryProps) {
  const modeling = useService<Modeling>('modeling');
  const catalog = useService<BatonCatalog>('batonCatalog');
  const bo = element.businessObject;
  const getValue = () =>
    connectorName({
      type: bo.get<string | undefined>('camunda:type'),
      topic: bo.get<string | undefined>('camunda:topic'),
      implementation: bo.get<string | undefined>('implementation'),
      expression: bo.get<string | undefined>('camunda:expression'),
    }) ?? '';
  return h(SelectEntry, {
    element,
    id,
    label: t('modeler:panel.handler'),
    getValue,
    setValue: (value: string) =>
      modeling.updateProperties(
        element,
        value ? { 'camunda:type': 'external', 'camunda:topic': value, 'camunda:expression': undefined, implementation: undefined } : { 'camunda:type': undefined, 'camunda:topic': undefined },
      ),
    getOptions: () => withCurrent([{ value: '', label: t('modeler:panel.none') }, ...catalog.handlers.map((name) => ({ value: name, label: name }))], getValue()),
  });
}

function entries(element: Shape) {
  const list: { id: string; component: unknown; isEdited?: unknown }[] = [];
  if (isType(element, 'bpmn:UserTask')) {
    const props = camundaPropertiesOf(element.businessObject);
    list.push({ id: 'baton-department', component: DepartmentEntry, isEdited: isSelectEntryEdited });
    list.push({ id: 'baton-assignment', component: AssignmentEntry, isEdited: isSelectEntryEdited });
    if (props['assignment'] === 'skills' || props['requiredSkills']) list.push({ id: 'baton-skills', component: SkillsEntry, isEdited: isTextFieldEntryEdited });
    list.push({ id: 'baton-sla', component: SlaEntry });
    list.push({ id: 'baton-form', component: FormEntry });
  }
  if (isType(element, 'bpmn:SequenceFlow') && element.businessObject.get('sourceRef') && !isType(element.businessObject.get<BusinessObject>('sourceRef'), 'bpmn:ParallelGateway')) {
    list.push({ id: 'baton-condition', component: ConditionEntry, isEdited: isTextFieldEntryEdited });
  }
  if (SERVICE_LIKE.some((type) => isType(element, type))) list.push({ id: 'baton-handler', component: HandlerEntry, isEdited: isSelectEntryEdited });
  if (timerDefinitionOf(element)) list.push({ id: 'baton-calendar', component: CalendarEntry, isEdited: isSelectEntryEdited });
  return list;
}

class BatonPropertiesProvider {
  static $inject = ['propertiesPanel'];
  constructor(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }) {
    propertiesPanel.registerProvider(400, this);
  }

  getGroups(element: Shape) {
    return (groups: { id: string }[]) => {
      const list = entries(element);
      if (list.length > 0) groups.splice(Math.min(1, groups.length), 0, { id: 'baton', label: 'Baton', entries: list } as { id: string });
      return groups;
    };
  }
}

export const batonPropertiesModule = {
  __init__: ['batonPropertiesProvider'],
  batonPropertiesProvider: ['type', BatonPropertiesProvider],
};
