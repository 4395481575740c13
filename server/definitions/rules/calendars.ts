/** Business calendars (issue 16): a timer's `baton:calendar` and a process's `calendar` property name a calendar that exists. */
import { children, describe, ownerOf, text, type ModdleElement } from '../moddle-element.js';
import type { RuleContext } from './rule-context.js';

/** Means "the calendar of the department holding the task", resolved when the task is routed. */
const DEPARTMENT = 'department';

function processCalendar(process: ModdleElement): string | undefined {
  const extensionElements = process.get('extensionElements') as ModdleElement | undefined;
  for (const extension of extensionElements ? children(extensionElements, 'values') : []) {
    if (!extension.$instanceOf('camunda:Properties')) continue;
    for (const property of children(extension, 'values')) {
      if (text(property, 'name')?.trim() === 'calendar') return text(property, 'value')?.trim() ?? '';
    }
  }
  return undefined;
}

function check(at: ModdleElement, what: string, id: string, known: ReadonlySet<string>, context: RuleContext): void {
  if (id === DEPARTMENT || known.has(id)) return;
  context.findings.error(
    at,
    id === ''
      ? `${what} names an empty calendar; give a calendar id or "department"`
      : `${what} counts in calendar '${id}', which does not exist; create it on the calendars page or name one of: ${[...known, DEPARTMENT].join(', ')}`,
  );
}

export function checkCalendars(context: RuleContext): void {
  const known = context.options.knownCalendars;
  // The modeler lints without the calendar list when it could not load it: nothing to compare with.
  if (known === undefined) return;
  for (const process of context.runnable) {
    const calendar = processCalendar(process);
    if (calendar !== undefined) check(process, `${describe(process)} (property calendar)`, calendar, known, context);
  }
  for (const element of context.runnableElements) {
    if (!element.$instanceOf('bpmn:TimerEventDefinition')) continue;
    const calendar = text(element, 'baton:calendar');
    if (calendar === undefined) continue;
    const owner = ownerOf(element);
    check(owner, describe(owner), calendar.trim(), known, context);
  }
}
