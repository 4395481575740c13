/**
 * The side panel of one step: status, tasks and owners, pending timers, open incidents, the
 * variables with what this step changed, and the time spent per element.
 */
import type { ReplayState } from '../../../server/contracts/replay.js';
import { el, row } from '../shared/dom.js';
import { formatDateTime, t } from '../shared/i18n.js';
import { formatDuration, shortValue } from './format.js';

type NameOf = (elementId: string | null) => string;

export function renderPanels(container: HTMLElement, state: ReplayState, nameOf: NameOf): void {
  container.replaceChildren(
    section(
      t('replay:panel.tasks'),
      'replay-tasks',
      [t('replay:panel.task'), t('replay:panel.owner'), t('replay:panel.status')],
      state.tasks.map((task) =>
        row([nameOf(task.elementId), task.owner ?? t('replay:queue', { department: task.department ?? t('replay:unrouted') }), t(`replay:taskStatus.${task.status}`)], {
          className: task.status,
          data: { element: task.elementId ?? '' },
        }),
      ),
    ),
    section(
      t('replay:panel.timers'),
      'replay-timers',
      [t('replay:panel.timer'), t('replay:panel.due')],
      state.timers.map((timer) => row([nameOf(timer.elementId), formatDateTime(timer.dueAt, { dateStyle: 'short', timeStyle: 'medium' })], { data: { element: timer.elementId ?? '' } })),
    ),
    ...(state.incidents.length
      ? [
          section(
            t('replay:panel.incidents'),
            'replay-incidents',
            [t('replay:panel.element'), t('replay:panel.problem')],
            state.incidents.map((incident) => row([nameOf(incident.elementId), `${incident.kind}: ${incident.message}`])),
          ),
        ]
      : []),
    variables(state),
    section(
      t('replay:panel.time'),
      'replay-time',
      [t('replay:panel.element'), t('replay:panel.done'), t('replay:panel.spent')],
      Object.entries(state.timeSpent)
        .sort(([, a], [, b]) => b - a)
        .map(([elementId, ms]) => row([nameOf(elementId), String(state.completed[elementId] ?? 0), formatDuration(ms, t)], { data: { element: elementId } })),
    ),
  );
}

function section(title: string, id: string, headings: string[], rows: HTMLTableRowElement[]): HTMLElement {
  const body = rows.length ? rows : [row([el('span', { className: 'muted', text: t('replay:panel.none') })])];
  return el(
    'section',
    { data: { panel: id } },
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
  const title = state.variablesDiff.length ? t('replay:panel.variablesChanged', { count: state.variablesDiff.length }) : t('replay:panel.variables');
  return section(title, 'replay-variables', [t('replay:panel.name'), t('replay:panel.value')], rows);
}
