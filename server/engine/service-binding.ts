/**
 * Which connector a service-like task names, and its input parameters, read from the parsed
 * diagram. Accepted forms (as in Camunda 7): `camunda:type="external" camunda:topic="email"`,
 * `implementation="email"` or `${environment.services.email}`, `camunda:expression="${email}"`.
 */
export interface ServiceBinding {
  connector: string | null;
  /**
   * The name is a topic or job type (`camunda:type="external"`, `zeebe:taskDefinition`): without a
   * built-in connector of that name the task waits for an external worker instead of failing.
   */
  external: boolean;
  /** zeebe:taskHeaders (and camunda:properties): static settings handed to the connector or worker. */
  headers: Record<string, string>;
  /** camunda:inputParameter name → raw text (an expression or a literal). */
  inputs: { name: string; value: string }[];
  /**
   * Output mappings (`<zeebe:output source="=…" target="…"/>`, `<camunda:outputParameter name>`):
   * with any, only these variables reach the process, computed over its variables and the result.
   */
  outputs: { name: string; value: string }[];
  resultVariable: string | null;
}

interface ExtensionValue {
  $type?: string;
  inputParameters?: { name?: string; value?: string; source?: string; target?: string }[];
  outputParameters?: { source?: string; target?: string; name?: string; value?: string }[];
  /** zeebe:TaskDefinition */
  type?: string;
  /** zeebe:TaskHeaders (key) and camunda:Properties (name) */
  values?: { key?: string; name?: string; value?: string }[];
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
  const outputs: ServiceBinding['outputs'] = [];
  for (const value of behaviour.extensionElements?.values ?? []) {
    if (value.$type === 'camunda:InputOutput') {
      for (const parameter of value.inputParameters ?? []) {
        if (parameter.name) inputs.push({ name: parameter.name, value: parameter.value ?? '' });
      }
      // Camunda 7 output parameters: like Zeebe's outputs, only these reach the process.
      for (const parameter of value.outputParameters ?? []) {
        if (parameter.name) outputs.push({ name: parameter.name, value: parameter.value ?? '' });
      }
    }
    // Camunda 8: `<zeebe:input source="=expr" target="name"/>` (FEEL with its leading '=').
    if (value.$type === 'zeebe:IoMapping') {
      for (const parameter of value.inputParameters ?? []) {
        if (parameter.target) inputs.push({ name: parameter.target, value: parameter.source ?? '' });
      }
      for (const parameter of value.outputParameters ?? []) {
        if (parameter.target) outputs.push({ name: parameter.target, value: parameter.source ?? '' });
      }
    }
  }
  const headers: Record<string, string> = {};
  for (const value of behaviour.extensionElements?.values ?? []) {
    if (value.$type !== 'zeebe:TaskHeaders' && value.$type !== 'camunda:Properties') continue;
    for (const header of value.values ?? []) {
      const key = header.key ?? header.name;
      if (key) headers[key] = header.value ?? '';
    }
  }
  return {
    connector: connectorName(behaviour),
    external: (behaviour.type === 'external' && Boolean(behaviour.topic)) || zeebeJobType(behaviour) !== null,
    headers,
    inputs,
    outputs,
    resultVariable: behaviour.resultVariable?.trim() || null,
  };
}
