/**
 * The two lists (my tasks, the queue) as rows: ticket, task, department, owner, SLA in colour and
 * words, with a button that opens the task (Enter on it) and Claim / Release where they apply.
 */
import type { LiveTask } from '../../../server/live/live-events.js';
import { button, el } from './dom.js';
import { slaText } from './sla-words.js';

export interface RowActions {
  open(task: LiveTask): void;
  claim(task: LiveTask): void;
  release(task: LiveTask): void;
}

function row(task: LiveTask, me: string, selected: string | null, now: Date, actions: RowActions): HTMLLIElement {
  const sla = slaText(task, now);
  const item = el('li', `task sla-${sla.state}${task.id === selected ? ' selected' : ''}`);
  item.dataset['taskId'] = task.id;
  item.dataset['ticket'] = task.ticketNumber;
  const open = button('', () => actions.open(task), { className: 'open-task', ariaLabel: `Open ${task.ticketNumber}: ${task.name}` });
  open.append(el('span', 'ticket', task.ticketNumber), el('span', 'name', task.name));
  const meta = el('span', 'meta');
  meta.append(
    el('span', 'department', task.department ?? 'unrouted'),
    el('span', 'owner', task.assignee ? (task.assignee === me ? 'you' : task.assignee) : 'unclaimed'),
    el('span', 'priority', task.priority === null ? '' : `priority ${task.priority}`),
  );
  const slaBadge = el('span', `sla sla-${sla.state}`, sla.text);
  slaBadge.dataset['sla'] = sla.state;
  const buttons = el('span', 'row-actions');
  if (task.assignee === null) buttons.append(button('Claim', () => actions.claim(task), { className: 'claim', ariaLabel: `Claim ${task.ticketNumber}` }));
  if (task.assignee === me) buttons.append(button('Release', () => actions.release(task), { className: 'release', ariaLabel: `Release ${task.ticketNumber}` }));
  item.append(open, slaBadge, meta, buttons);
  return item;
}

/** Fills `list` with rows, keeping keyboard focus on the same task's control across redraws. */
export function renderRows(list: HTMLElement, tasks: readonly LiveTask[], me: string, selected: string | null, now: Date, actions: RowActions, empty: string): void {
  const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement) ? document.activeElement : null;
  const focusedTask = focused?.closest<HTMLElement>('[data-task-id]')?.dataset['taskId'];
  const focusedClass = focused?.className;
  if (tasks.length === 0) {
    list.replaceChildren(el('li', 'empty', empty));
    return;
  }
  list.replaceChildren(...tasks.map((task) => row(task, me, selected, now, actions)));
  if (focusedTask && focusedClass) {
    const again = list.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusedTask)}"] .${CSS.escape(focusedClass.split(' ')[0] ?? '')}`)
      ?? list.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(focusedTask)}"] .open-task`);
    again?.focus();
  }
}
