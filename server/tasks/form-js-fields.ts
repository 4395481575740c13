import type { TaskFormField } from './task.js';

/** The part of a form-js component Baton reads. */
export interface FormJsComponent {
  type?: unknown;
  key?: unknown;
  label?: unknown;
  path?: unknown;
  subtype?: unknown;
  decimalDigits?: unknown;
  validate?: { required?: unknown };
  conditional?: unknown;
  values?: unknown;
  valuesKey?: unknown;
  valuesExpression?: unknown;
  components?: unknown;
}

/** Containers whose fields write flat keys into the form's data (a group with a `path` nests them). */
const CONTAINERS = new Set(['group']);

function optionValues(component: FormJsComponent): unknown[] | null {
  // Options fed by a variable or an expression are only known in the browser: accept any text.
  if (component.valuesKey !== undefined || component.valuesExpression !== undefined) return null;
  if (!Array.isArray(component.values)) return null;
  return component.values.map((option: unknown) => (typeof option === 'object' && option !== null ? (option as { value?: unknown }).value : undefined));
}

function staticValues(options: unknown[]): string[] | null {
  const values = options.filter((value): value is string => typeof value === 'string' && value !== '');
  return values.length ? values : null;
}

/**
 * A yes/no radio or select whose option values are JSON booleans (form-js keeps them as such) gives
 * a gateway like `${resolved}` a real boolean; unlike a checkbox it can be required without
 * forcing "yes".
 */
function isBooleanChoice(options: unknown[]): boolean {
  return options.length > 0 && options.every((value) => typeof value === 'boolean');
}

function typeOf(component: FormJsComponent): Pick<TaskFormField, 'type' | 'values'> | null {
  switch (component.type) {
    case 'textfield':
    case 'textarea':
      return { type: 'string', values: [] };
    case 'number':
      // form-js gives a number; decimalDigits 0 is a whole number.
      return { type: component.decimalDigits === 0 ? 'long' : 'number', values: [] };
    case 'checkbox':
      return { type: 'boolean', values: [] };
    case 'datetime':
      // Only a date is an ISO date; a time (HH:mm) or date-time with zone is checked as text.
      return { type: component.subtype === 'date' ? 'date' : 'string', values: [] };
    case 'select':
    case 'radio': {
      const options = optionValues(component);
      if (options && isBooleanChoice(options)) return { type: 'boolean', values: [] };
      const values = options && staticValues(options);
      return values ? { type: 'enum', values } : { type: 'string', values: [] };
    }
    default:
      // Lists (checklist, taglist, dynamiclist) and display components are not checked here.
      return null;
  }
}

function collect(components: unknown, into: FormJsComponent[]): void {
  if (!Array.isArray(components)) return;
  for (const item of components as FormJsComponent[]) {
    if (typeof item !== 'object' || item === null) continue;
    if (typeof item.type === 'string' && CONTAINERS.has(item.type) && item.path === undefined) collect(item.components, into);
    // A dotted key writes nested data; completion variables are flat, so such fields are skipped.
    if (typeof item.key !== 'string' || item.key === '' || item.key.includes('.')) continue;
    into.push(item);
  }
}

/** The components of a form that write one flat key of its data (inside path-less groups too). */
export function keyedComponents(schema: Record<string, unknown>): (FormJsComponent & { key: string })[] {
  const components: FormJsComponent[] = [];
  collect(schema['components'], components);
  return components as (FormJsComponent & { key: string })[];
}

/**
 * What completing a form-js form must carry, as the same fields camunda:formData gives: the
 * keyed input components with their type and whether they are required. The browser renders the
 * schema itself; the server checks the submitted data against these fields.
 */
export function formJsFields(schema: Record<string, unknown>): TaskFormField[] {
  return keyedComponents(schema).flatMap((item) => {
    const kind = typeOf(item);
    if (!kind) return [];
    return [
      {
        id: item.key,
        label: typeof item.label === 'string' ? item.label : null,
        ...kind,
        // A field shown only under a condition may be rightly empty: the server cannot evaluate
        // form-js conditions, so it does not insist on it (form-js does in the browser).
        required: item.validate?.required === true && item.conditional === undefined,
        // A required checkbox is a checklist item: form-js wants it ticked, and so does the server.
        ...(item.type === 'checkbox' && item.validate?.required === true && item.conditional === undefined ? { mustBeChecked: true } : {}),
      },
    ];
  });
}
