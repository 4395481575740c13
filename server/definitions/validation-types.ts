import type { ErrorIssue } from '../errors.js';
import type { StartTimer } from './definition.js';
import { idOf, type ModdleElement } from './moddle-element.js';

export interface ValidatedDefinition {
  /** Id of the one executable process. */
  key: string;
  /** Process name, else the key. */
  name: string;
  /** camunda:property `ticketPrefix` on the process, else derived from the key; never empty. */
  ticketPrefix: string;
  /** Names of the messages referenced by message start events of the executable process. */
  startMessages: string[];
  /** Timer start events of the executable process, with their literal values. */
  startTimers: StartTimer[];
  /** Problems that do not block the deploy, e.g. a candidate group that names no department. */
  warnings: ErrorIssue[];
}

export interface ValidationOptions {
  /** Service handler names registered in code: 'log', 'email', 'webhook'... */
  knownHandlers: ReadonlySet<string>;
  /** Department ids; an unknown candidate group is a warning, not an error. */
  knownDepartments: ReadonlySet<string>;
  /** Department names in lower case: a lane routes by department id or name. */
  knownDepartmentNames?: ReadonlySet<string>;
  /** Keys of the deployed processes: a call activity naming another one warns when it is not among them. */
  deployedProcesses?: ReadonlySet<string>;
  /** Business calendar ids (issue 16); undefined: not checked (the modeler without the list). */
  knownCalendars?: ReadonlySet<string>;
  /** Default 5 MiB. */
  maxBytes?: number;
  /** What "in the past" means for a timer date; default the system time. */
  now?: Date;
}

/** What the rules found: errors block the deploy, warnings are stored with the definition. */
export class Findings {
  readonly errors: ErrorIssue[] = [];
  readonly warnings: ErrorIssue[] = [];

  error(at: ModdleElement | string | null, message: string): void {
    add(this.errors, { elementId: elementIdOf(at), message });
  }

  hasErrorAt(elementId: string | null): boolean {
    return elementId !== null && this.errors.some((issue) => issue.elementId === elementId);
  }

  warn(at: ModdleElement | string | null, message: string): void {
    add(this.warnings, { elementId: elementIdOf(at), message });
  }
}

function elementIdOf(at: ModdleElement | string | null): string | null {
  return at === null || typeof at === 'string' ? at : idOf(at);
}

/** Two expressions of one element can fail alike; the owner needs to read that once. */
function add(issues: ErrorIssue[], issue: ErrorIssue): void {
  if (!issues.some((other) => other.elementId === issue.elementId && other.message === issue.message)) issues.push(issue);
}
