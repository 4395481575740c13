/** Rule 5: every timer has exactly one value, and a literal value is the ISO 8601 the engine reads. */
import { checkExpression, isExpression } from '../../engine/expressions/expression.js';
import { cronProblem, isCron } from '../../engine/cron-cycle.js';
import { runawayCycle } from '../../engine/timer-values.js';
import { child, describe, ownerOf, text, type ModdleElement } from '../moddle-element.js';
import { isIsoDuration, parseIsoCycle, parseIsoDateTime, type IsoDateTime } from './iso8601.js';
import type { RuleContext } from './rule-context.js';

type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

const KINDS: readonly TimerKind[] = ['timeDuration', 'timeDate', 'timeCycle'];

const EXPECTED: Record<TimerKind, string> = {
  timeDuration: 'an ISO 8601 duration such as PT20H, P2D or P1W',
  timeDate: 'an ISO 8601 date and time such as 2026-03-01T09:00:00Z',
  timeCycle: 'an ISO 8601 cycle such as R3/PT10M or R/2026-03-01T09:00:00Z/P1D, or a cron expression such as 0 0 9 * * ?',
};

function checkLiteral(kind: TimerKind, value: string, owner: ModdleElement, context: RuleContext): void {
  if (kind === 'timeCycle' && isCron(value)) {
    const problem = cronProblem(value);
    if (problem !== null) context.findings.error(owner, `${describe(owner)} has the timer cycle '${value}', which ${problem}`);
    return;
  }
  let parsed: IsoDateTime | null;
  if (kind === 'timeDuration') parsed = isIsoDuration(value) ? { hasZone: true } : null;
  else if (kind === 'timeDate') parsed = parseIsoDateTime(value);
  else parsed = parseIsoCycle(value);

  if (parsed === null) {
    context.findings.error(owner, `${describe(owner)} has the timer ${kind} '${value}', which is not ${EXPECTED[kind]}`);
    return;
  }
  const problem = kind === 'timeDate' ? pastDate(value, context.options.now ?? new Date()) : kind === 'timeCycle' ? runawayCycle(value) : null;
  if (problem !== null) {
    context.findings.error(owner, `${describe(owner)} has the timer ${kind} '${value}', which ${problem}`);
  } else if (!parsed.hasZone) {
    context.findings.warn(owner, `${describe(owner)} has the timer ${kind} '${value}' without a time zone; it will be read in the server's time zone (add Z or an offset such as +01:00)`);
  }
}

function pastDate(value: string, now: Date): string | null {
  const at = Date.parse(value);
  return !Number.isNaN(at) && at < now.getTime() ? 'is in the past; it would fire the moment it is reached' : null;
}

function checkTimer(definition: ModdleElement, context: RuleContext): void {
  const owner = ownerOf(definition);
  const set: { kind: TimerKind; value: string }[] = [];
  for (const kind of KINDS) {
    const expression = child(definition, kind);
    const value = expression === undefined ? '' : (text(expression, 'body') ?? '').trim();
    if (value !== '') set.push({ kind, value });
  }
  if (set.length === 0) {
    context.findings.error(owner, `${describe(owner)} is a timer without a duration, date or cycle; set one (e.g. a duration of PT20H)`);
    return;
  }
  if (set.length > 1) {
    context.findings.error(owner, `${describe(owner)} sets ${set.map(({ kind }) => kind).join(' and ')}; a timer takes exactly one of duration, date or cycle`);
  }
  for (const { kind, value } of set) {
    if (isExpression(value)) {
      const problem = checkExpression(value);
      if (problem !== null) context.findings.error(owner, `${describe(owner)}: timer ${kind}: ${problem}`);
    } else {
      checkLiteral(kind, value, owner, context);
    }
  }
}

export function checkTimers(context: RuleContext): void {
  for (const element of context.runnableElements) {
    // A task listener's timeout timer is refused with its listener.
    if (element.$instanceOf('bpmn:TimerEventDefinition') && !element.$parent?.$instanceOf('camunda:TaskListener')) {
      checkTimer(element, context);
    }
  }
}
