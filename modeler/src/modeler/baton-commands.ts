/**
 * Baton's editing actions as bpmn-js commands: each runs ordinary modeling commands inside its
 * `preExecute`, so the command stack records them as one step and a single undo reverts all.
 */
import { isType, type BpmnFactory, type BusinessObject, type CommandStack, type ElementFactory, type Modeling, type Shape } from './diagram-types.js';

export const SET_CAMUNDA_PROPERTY = 'baton.camundaProperty.set';
export const ADD_SLA = 'baton.sla.add';
export const SET_FORM = 'baton.form.set';

/** `camunda:properties` of an element as a plain map. */
export function camundaPropertiesOf(bo: BusinessObject): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of bo.get<BusinessObject | undefined>('extensionElements')?.get<BusinessObject[] | undefined>('values') ?? []) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of value.get<{ name?: string; value?: string }[] | undefined>('values') ?? []) if (property.name) result[property.name] = property.value ?? '';
  }
  return result;
}

/** The element's extensionElements container, created (as part of the running command) when absent. */
function ensureExtensions(element: Shape, bo: BusinessObject, modeling: Modeling, factory: BpmnFactory): BusinessObject {
  let extensions = bo.get('extensionElements') as BusinessObject | undefined;
  if (!extensions) {
    extensions = factory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: extensions });
  }
  return extensions;
}

class SetCamundaPropertyHandler {
  static $inject = ['modeling', 'bpmnFactory'];
  constructor(
    private readonly modeling: Modeling,
    private readonly factory: BpmnFactory,
  ) {}

  preExecute(context: { element: Shape; name: string; value: string }): void {
    const { element, name, value } = context;
    const bo = element.businessObject;
    const extensions = ensureExtensions(element, bo, this.modeling, this.factory);
    let properties = (extensions.get('values') as BusinessObject[]).find((v) => v.$type === 'camunda:Properties');
    if (!properties) {
      if (value === '') return;
      properties = this.factory.create('camunda:Properties', { values: [] });
      properties.$parent = extensions;
      this.modeling.updateModdleProperties(element, extensions, { values: [...extensions.get<BusinessObject[]>('values'), properties] });
    }
    const list = properties.get('values') as BusinessObject[];
    const existing = list.find((property) => property.name === name);
    if (value === '') {
      if (existing) this.modeling.updateModdleProperties(element, properties, { values: list.filter((property) => property !== existing) });
    } else if (existing) {
      this.modeling.updateModdleProperties(element, existing, { value });
    } else {
      const property = this.factory.create('camunda:Property', { name, value });
      property.$parent = properties;
      this.modeling.updateModdleProperties(element, properties, { values: [...list, property] });
    }
  }
}

export interface SlaContext {
  /** The user task (or any activity) the timer is attached to. */
  element: Shape;
  kind: 'escalate' | 'warn';
  /** ISO 8601 duration, e.g. PT20H. */
  duration: string;
  /** Escalation target department (escalate only). */
  department?: string;
  /** Label of the timer event, e.g. "20 h". */
  label: string;
  /** Filled by the command: the boundary event and the task it leads to. */
  created?: { timer: Shape; next: Shape };
}

class AddSlaHandler {
  static $inject = ['modeling', 'bpmnFactory', 'elementFactory'];
  constructor(
    private readonly modeling: Modeling,
    private readonly factory: BpmnFactory,
    private readonly elements: ElementFactory,
  ) {}

  preExecute(context: SlaContext): void {
    const { element: task, kind } = context;
    const escalate = kind === 'escalate';
    const taken = (task.attachers ?? []).length;
    const shape = this.elements.createShape({ type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' });
    const position = { x: task.x + Math.min(task.width - 10, 20 + taken * 36), y: task.y + task.height };
    const timer = this.modeling.createShape(shape, position, task, { attach: true });
    const [definition] = timer.businessObject.get<BusinessObject[]>('eventDefinitions');
    if (!definition) throw new Error(`${timer.id}: bpmn-js created the timer event without its timer definition`);
    const body = this.factory.create('bpmn:FormalExpression', { body: context.duration });
    body.$parent = definition;
    this.modeling.updateModdleProperties(timer, definition, { timeDuration: body });
    this.modeling.updateProperties(timer, { name: context.label, ...(escalate ? {} : { cancelActivity: false }) });

    // Where the new shapes go: the task's own container (appendShape picks the source's when absent).
    const parent = task.parent;
    const below = { x: timer.x + timer.width / 2 + (escalate ? 60 : 0), y: task.y + task.height + 110 };
    let next: Shape;
    if (escalate) {
      next = this.modeling.appendShape(timer, { type: 'bpmn:UserTask' }, { x: below.x + 50, y: below.y + 40 }, parent);
      const taskName = task.businessObject.name?.trim() || task.id;
      this.modeling.updateProperties(next, {
        name: `${taskName} (escalated)`,
        ...(context.department ? { 'camunda:candidateGroups': context.department } : {}),
      });
      // The escalated task carries on where the original would have gone, else it ends.
      const onward = (task.outgoing ?? []).find((flow) => isType(flow, 'bpmn:SequenceFlow'))?.target;
      if (onward) this.modeling.connect(next, onward);
      else this.modeling.appendShape(next, { type: 'bpmn:EndEvent' }, { x: next.x + next.width + 80, y: next.y + next.height / 2 }, parent);
    } else {
      next = this.modeling.appendShape(timer, { type: 'bpmn:EndEvent' }, { x: below.x, y: below.y }, parent);
      this.modeling.updateProperties(next, { name: 'SLA warning noted' });
    }
    context.created = { timer, next };
  }
}

export interface FormContext {
  element: Shape;
  formKey: string;
  schema: Record<string, unknown>;
}

/** Sets the task's camunda:formKey and stores the schema as a baton:form of the task's process. */
class SetFormHandler {
  static $inject = ['modeling', 'bpmnFactory'];
  constructor(
    private readonly modeling: Modeling,
    private readonly factory: BpmnFactory,
  ) {}

  preExecute(context: FormContext): void {
    const { element, formKey } = context;
    const process = processOf(element.businessObject);
    if (!process) throw new Error(`${element.id} belongs to no process`);
    if (element.businessObject.get('camunda:formKey') !== formKey) this.modeling.updateProperties(element, { 'camunda:formKey': formKey });
    // The task is the changed element the command reports; the data lives on its process.
    const owner = element;
    const extensions = ensureExtensions(owner, process, this.modeling, this.factory);
    const values = extensions.get('values') as BusinessObject[];
    const body = JSON.stringify(context.schema, null, 2);
    const existing = values.find((value) => value.$type === 'baton:Form' && value.get('key') === formKey);
    if (existing) {
      this.modeling.updateModdleProperties(owner, existing, { body });
    } else {
      const form = this.factory.create('baton:Form', { key: formKey, body });
      form.$parent = extensions;
      this.modeling.updateModdleProperties(owner, extensions, { values: [...values, form] });
    }
  }
}

/** The bpmn:Process an element belongs to (through sub-processes and lanes). */
export function processOf(bo: BusinessObject | undefined): BusinessObject | undefined {
  let current = bo;
  while (current && current.$type !== 'bpmn:Process') current = current.$parent;
  return current;
}

/** The form-js schema stored under `formKey` in the element's process, if any. */
export function formSchemaOf(element: Shape, formKey: string): Record<string, unknown> | null {
  const extensions = processOf(element.businessObject)?.get<BusinessObject | undefined>('extensionElements');
  const form = (extensions?.get('values') as BusinessObject[] | undefined)?.find((value) => value.$type === 'baton:Form' && value.get('key') === formKey);
  if (!form) return null;
  try {
    return JSON.parse(String(form.get('body') ?? '')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Registers the handlers when the modeler starts (diagram-js calls it with the services named in `$inject`). */
function registerBatonCommands(commandStack: CommandStack): void {
  commandStack.registerHandler(SET_CAMUNDA_PROPERTY, SetCamundaPropertyHandler);
  commandStack.registerHandler(ADD_SLA, AddSlaHandler);
  commandStack.registerHandler(SET_FORM, SetFormHandler);
}
registerBatonCommands.$inject = ['commandStack'];

export const batonCommandsModule = {
  __init__: ['batonCommands'],
  batonCommands: ['factory', registerBatonCommands],
};
