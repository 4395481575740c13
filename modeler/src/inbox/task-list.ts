/**
 * The two lists (my tasks, the queue) as rows: ticket, task, department, owner, SLA in colour and
 * words, with a button that opens the task (Enter on it) and Claim / Release where they apply.
 */
import type { LiveTask } from '../../../server/live/live-events.js';
import { button, el } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { slaWords } from './inbox-words.js';
import { slaText } from './sla-words.js';

export interface RowActions {
  open(task: LiveTask): void;
  claim(task: LiveTask): void;
  release(task: LiveTask): void;
}

function row(task: LiveTask, me: string, selected: string | null, now: Date, actions: RowActions, readOnly: boolean): HTMLLIElement {
  const sla = slaText(task, now, slaWords);
  const item = el('li', { className: `task sla-${sla.state}${task.id === selected ? ' selected' : ''}` });
  item.dataset['taskId'] = task.id;
  item.dataset['ticket'] = task.ticketNumber;
  const open = button('', () => actions.open(task), { className: 'open-task', ariaLabel: t('inbox:row.open', { ticket: task.ticketNumber, name: task.name }) });
  open.append(el('span', { className: 'ticket', text: task.ticketNumber }), el('span', { className: 'name', text: task.name }));
  const meta = el('span', { className: 'meta' });
  meta.append(
    el('span', { className: 'department', text: task.department ?? t('inbox:row.unrouted') }),
    el('span', { className: 'owner', text: task.assignee ? (task.assignee === me ? t('inbox:row.you') : task.assignee) : t('inbox:row.unclaimed') }),
    el('span', { className: 'priority', text: task.priority === null ? '' : t('inbox:row.priority', { priority: task.priority }) }),
  );
  const slaBadge = el('span', { className: `sla sla-${sla.state}`, text: sla.text });
  slaBadge.dataset['sla'] = sla.state;
  const buttons = el('span', { className: 'row-actions' });
  // Auditors read: no Claim or Release for them.
  if (!readOnly && task.assignee === null)
    buttons.append(button(t('inbox:row.claim'), () => actions.claim(task), { className: 'claim', ariaLabel: t('inbox:row.claimLabel', { ticket: task.ticketNumber }) }));
  if (!readOnly && task.assignee === me)
    buttons.append(button(t('inbox:row.release'), () => actions.release(task), { className: 'release', ariaLabel: t('inbox:row.releaseLabel', { ticket: task.ticketNumber }) }));
  item.append(open, slaBadge, meta, buttons);
  return item;
}

/** Fills `list` with rows (`empty` says why there are none). */
export function renderRows(list: HTMLElement, tasks: readonly LiveTask[], me: string, selected: string | null, now: Date, actions: RowActions, empty: string, readOnly = false): void {
  list.replaceChildren(...(tasks.length ? tasks.map((task) => row(task, me, selected, now, actions, readOnly)) : [el('li', { className: 'empty', text: empty })]));
}

const ROW_CONTROLS = ['open-task', 'claim', 'release'];

/**
 * Which row control has the keyboard focus, to give it back after the lists are redrawn (live
 * events redraw them while someone is tabbing). A claimed task moves to the other list and shows
 * Release instead of Claim: its open button gets the focus then.
 */
export function rememberFocus(): () => void {
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const taskId = focused?.closest<HTMLElement>('li[data-task-id]')?.dataset['taskId'];
  const control = ROW_CONTROLS.find((name) => focused?.classList.contains(name));
  if (!taskId || !control) return () => undefined;
  return () => {
    const rowOf = document.querySelector<HTMLElement>(`li[data-task-id="${CSS.escape(taskId)}"]`);
    (rowOf?.querySelector<HTMLElement>(`.${control}`) ?? rowOf?.querySelector<HTMLElement>('.open-task'))?.focus();
  };
}
