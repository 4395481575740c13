/**
 * The side panel of one step: status, tasks and owners, pending timers, open incidents, the
 * variables with what this step changed, and the time spent per element.
 */
import type { ReplayState } from '../../../server/contracts/replay.js';
import { el, row } from '../shared/dom.js';
import { formatTime } from '../shared/time.js';
import { formatDuration, shortValue } from './format.js';

type NameOf = (elementId: string | null) => string;

export function renderPanels(container: HTMLElement, state: ReplayState, nameOf: NameOf): void {
  container.replaceChildren(
    section('Tasks', 'replay-tasks', ['Task', 'Owner', 'Status'], state.tasks.map((task) =>
      row([nameOf(task.elementId), task.owner ?? `queue ${task.department ?? 'unrouted'}`, task.status], { className: task.status, data: { element: task.elementId ?? '' } }))),
    section('Pending timers', 'replay-timers', ['Timer', 'Due'], state.timers.map((timer) =>
      row([nameOf(timer.elementId), formatTime(timer.dueAt)], { data: { element: timer.elementId ?? '' } }))),
    ...(state.incidents.length
      ? [section('Open incidents', 'replay-incidents', ['Element', 'Problem'], state.incidents.map((incident) => row([nameOf(incident.elementId), `${incident.kind}: ${incident.message}`])))]
      : []),
    variables(state),
    section('Time per element', 'replay-time', ['Element', 'Done', 'Time'], Object.entries(state.timeSpent)
      .sort(([, a], [, b]) => b - a)
      .map(([elementId, ms]) => row([nameOf(elementId), String(state.completed[elementId] ?? 0), formatDuration(ms)], { data: { element: elementId } }))),
  );
}

function section(title: string, id: string, headings: string[], rows: HTMLTableRowElement[]): HTMLElement {
  const body = rows.length ? rows : [row([el('span', { className: 'muted', text: 'None' })])];
  return el('section', { data: { panel: id } },
    el('h2', { text: title }),
    el('table', {}, el('thead', {}, el('tr', {}, ...headings.map((heading) => el('th', { text: heading })))), el('tbody', {}, ...body)),
  );
}

/** Every variable at this step; what the step added or changed is highlighted, what it removed is listed struck through. */
function variables(state: ReplayState): HTMLElement {
  const changes = new Map(state.variablesDiff.map((change) => [change.name, change]));
  const rows = Object.entries(state.variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      const change = changes.get(name);
      const shown = change?.kind === 'changed' ? `${shortValue(change.from, 40)} → ${shortValue(value, 40)}` : shortValue(value, 80);
      return row([name, shown], { className: change ? `var-${change.kind}` : '', data: { variable: name, change: change?.kind ?? '' } });
    });
  for (const change of state.variablesDiff) {
    if (change.kind === 'removed') rows.push(row([change.name, shortValue(change.from, 80)], { className: 'var-removed', data: { variable: change.name, change: 'removed' } }));
  }
  return section(`Variables${state.variablesDiff.length ? ` (${state.variablesDiff.length} changed by this step)` : ''}`, 'replay-variables', ['Name', 'Value'], rows);
}
