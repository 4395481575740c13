/**
 * Which connector a service-like task names, and its input parameters, read from the parsed
 * diagram. Accepted forms (as in Camunda 7): `camunda:type="external" camunda:topic="email"`,
 * `implementation="email"` or `${environment.services.email}`, `camunda:expression="${email}"`.
 */
export interface ServiceBinding {
  connector: string | null;
  /** camunda:inputParameter name → raw text (an expression or a literal). */
  inputs: { name: string; value: string }[];
  resultVariable: string | null;
}

interface ExtensionValue {
  $type?: string;
  inputParameters?: { name?: string; value?: string; source?: string; target?: string }[];
  /** zeebe:TaskDefinition */
  type?: string;
  /** zeebe:TaskHeaders */
  values?: { key?: string; value?: string }[];
}

export interface ServiceBehaviour {
  type?: string;
  topic?: string;
  implementation?: string;
  expression?: string;
  resultVariable?: string;
  extensionElements?: { values?: ExtensionValue[] };
}

const WRAPPED = /^[$#]\{\s*(?:environment\.services\.)?([A-Za-z_][\w-]*)\s*\}$/;
const PLAIN = /^[A-Za-z_][\w-]*$/;

/** The job type of a Camunda 8 task (`<zeebe:taskDefinition type="…">`), if it has one. */
export function zeebeJobType(behaviour: Pick<ServiceBehaviour, 'extensionElements'>): string | null {
  for (const value of behaviour.extensionElements?.values ?? []) {
    if (value.$type === 'zeebe:TaskDefinition' && value.type?.trim()) return value.type.trim();
  }
  return null;
}

export function connectorName(behaviour: ServiceBehaviour): string | null {
  if (behaviour.type === 'external' && behaviour.topic) return behaviour.topic.trim();
  const jobType = zeebeJobType(behaviour);
  if (jobType !== null) return jobType;
  for (const raw of [behaviour.expression, behaviour.implementation]) {
    const text = raw?.trim();
    if (!text) continue;
    const wrapped = WRAPPED.exec(text);
    if (wrapped?.[1]) return wrapped[1];
    if (PLAIN.test(text)) return text;
  }
  return null;
}

export function serviceBinding(behaviour: ServiceBehaviour): ServiceBinding {
  const inputs: ServiceBinding['inputs'] = [];
  for (const value of behaviour.extensionElements?.values ?? []) {
    if (value.$type === 'camunda:InputOutput') {
      for (const parameter of value.inputParameters ?? []) {
        if (parameter.name) inputs.push({ name: parameter.name, value: parameter.value ?? '' });
      }
    }
    // Camunda 8: `<zeebe:input source="=expr" target="name"/>` (FEEL with its leading '=').
    if (value.$type === 'zeebe:IoMapping') {
      for (const parameter of value.inputParameters ?? []) {
        if (parameter.target) inputs.push({ name: parameter.target, value: parameter.source ?? '' });
      }
    }
  }
  return {
    connector: connectorName(behaviour),
    inputs,
    resultVariable: behaviour.resultVariable?.trim() || null,
  };
}
