/**
 * An opened task: what it is (ticket, process, department, owner, SLA, why it was routed there),
 * its owner chain, and what the viewer may do with it. The completion form is drawn separately
 * (task-completion.ts) into the `form` element this returns.
 */
import type { TaskView } from '../shared/api.js';
import type { TaskHistoryEntry } from '../../../server/tasks/task.js';
import { button, el, field } from '../shared/dom.js';
import { bpmnErrorBox, type ProblemKind } from './bpmn-error-form.js';
import { slaText } from './sla-words.js';

export interface DetailActions {
  claim(): void;
  release(): void;
  passUp(reason: string): void;
  handOver(target: { department?: string; assignee?: string }, reason: string): void;
  comment(text: string): void;
  /** End the task with a BPMN error, or raise an escalation, its boundary events catch (bpmn-error-form.ts). */
  bpmnProblem(kind: ProblemKind, code: string, reason: string): void;
  /** The ticket waits on its customer: its SLA clocks stop (issue 16). */
  waitOnCustomer(reason: string): void;
  /** The customer answered: the SLA clocks run again. */
  resumeSla(reason: string): void;
  close(): void;
}

export interface DetailContext {
  me: string;
  departments: readonly { id: string; name: string }[];
  now: Date;
}

const ACTIONS: Record<TaskHistoryEntry['action'], string> = {
  routed: 'routed',
  claimed: 'claimed',
  released: 'released',
  'passed-up': 'passed up',
  'handed-over': 'handed over',
  escalated: 'escalated by timer',
  completed: 'completed',
  cancelled: 'cancelled',
};

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

function facts(task: TaskView, context: DetailContext): HTMLDListElement {
  const sla = slaText(task, context.now);
  const list = el('dl', { className: 'facts' });
  const add = (term: string, value: string, className = '') => {
    const dd = el('dd', { className, text: value });
    list.append(el('dt', { text: term }), dd);
    return dd;
  };
  add('Ticket', task.ticketNumber);
  add('Process', `${task.processKey} (version ${task.definitionVersion})`);
  add('Department', task.department ?? 'unrouted');
  add('Owner', task.assignee ? (task.assignee === context.me ? `you (${task.assignee})` : task.assignee) : 'unclaimed');
  add('Priority', task.priority === null ? 'none' : String(task.priority));
  add('SLA', sla.text, `sla sla-${sla.state}`).dataset['sla'] = sla.state;
  if (task.dueAt) add('Due', when(task.dueAt));
  add('Opened', when(task.createdAt));
  add('Routed because', task.routingReason ?? 'not recorded');
  if (task.escalatedFrom) add('Escalated', `from ${task.escalatedFrom.elementId} at ${when(task.escalatedFrom.at)}`);
  return list;
}

function history(task: TaskView): HTMLOListElement {
  const list = el('ol', { className: 'history' });
  for (const entry of task.history) {
    const holder = [entry.department, entry.assignee].filter(Boolean).join(' / ') || 'nobody';
    const item = el('li', { text: `${when(entry.at)} · ${ACTIONS[entry.action]} by ${entry.by} → ${holder}` });
    if (entry.reason) item.append(el('q', { text: entry.reason }));
    list.append(item);
  }
  return list;
}

/** A small form: fields, a submit button; `submit` gets the values once the required ones are there. */
function miniForm(id: string, title: string, fields: HTMLElement[], submitLabel: string, submit: (form: HTMLFormElement) => string | null): HTMLFormElement {
  const form = el('form', { className: 'mini-form' });
  form.id = id;
  form.noValidate = true;
  const error = el('p', { className: 'error' });
  error.setAttribute('role', 'alert');
  error.hidden = true;
  form.append(el('h3', { text: title }), ...fields, error, button(submitLabel, () => undefined, { type: 'submit' }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = submit(form);
    error.textContent = problem ?? '';
    error.hidden = problem === null;
  });
  return form;
}

function textarea(name: string, placeholder: string): HTMLTextAreaElement {
  const node = el('textarea');
  node.name = name;
  node.rows = 2;
  node.placeholder = placeholder;
  return node;
}

const value = (form: HTMLFormElement, name: string) => String(new FormData(form).get(name) ?? '').trim();

/** Pass up and hand over: for the owner, or anyone while the task is unclaimed (as the server rules). */
function handOnForms(task: TaskView, context: DetailContext, actions: DetailActions): HTMLElement {
  const box = el('div', { className: 'task-actions' });

  const passReason = textarea('reason', 'Why it needs the next level');
  box.append(
    miniForm('pass-up', 'Pass up', [field('Reason (required)', passReason, 'pass-up-reason')], 'Pass up', (form) => {
      const reason = value(form, 'reason');
      if (!reason) return 'Say why you pass the task up.';
      actions.passUp(reason);
      return null;
    }),
  );

  const department = el('select');
  department.name = 'department';
  department.append(new Option('(keep the department)', ''), ...context.departments.filter((d) => d.id !== task.department).map((d) => new Option(d.name, d.id)));
  const person = el('input');
  person.name = 'assignee';
  person.placeholder = 'user name';
  person.autocomplete = 'off';
  box.append(
    miniForm(
      'hand-over',
      'Hand over',
      [field('To department', department, 'hand-over-department'), field('Or to person', person, 'hand-over-person'), field('Reason (required)', textarea('reason', 'Why they should take it'), 'hand-over-reason')],
      'Hand over',
      (form) => {
        const target = { department: value(form, 'department') || undefined, assignee: value(form, 'assignee') || undefined };
        const reason = value(form, 'reason');
        if (!target.department && !target.assignee) return 'Choose a department or name a person.';
        if (!reason) return 'Say why you hand the task over.';
        actions.handOver(
          { ...(target.department ? { department: target.department } : {}), ...(target.assignee ? { assignee: target.assignee } : {}) },
          reason,
        );
        return null;
      },
    ),
  );

  box.append(
    miniForm('wait-on-customer', 'Waiting on customer', [field('What the customer is asked for (required)', textarea('reason', 'e.g. the serial number'), 'wait-reason')], 'Stop the SLA clock', (form) => {
      const reason = value(form, 'reason');
      if (!reason) return 'Say what the customer is asked for.';
      actions.waitOnCustomer(reason);
      return null;
    }),
    miniForm('resume-sla', 'Customer answered', [field('Note', textarea('reason', 'optional'), 'resume-reason')], 'Start the SLA clock again', (form) => {
      actions.resumeSla(value(form, 'reason'));
      return null;
    }),
  );

  return box;
}

/** Anyone who may act on the task may comment, whoever holds it. */
function commentForm(actions: DetailActions): HTMLFormElement {
  return (
    miniForm('comment', 'Comment', [field('Comment', textarea('text', 'Visible in the audit log'), 'comment-text')], 'Add comment', (form) => {
      const text = value(form, 'text');
      if (!text) return 'Write the comment first.';
      actions.comment(text);
      form.reset();
      return null;
    })
  );
}

/** Draws the task into `container`; returns the element the completion form goes into. */
export function renderDetail(container: HTMLElement, task: TaskView, context: DetailContext, actions: DetailActions): { form: HTMLElement; notice: HTMLElement } {
  const header = el('header', { className: 'detail-header' });
  const title = el('h2', { text: `${task.ticketNumber} · ${task.name}` });
  title.id = 'detail-title';
  title.tabIndex = -1;
  header.append(title, button('Close', actions.close, { className: 'close', ariaLabel: 'Close the task' }));

  const notice = el('p', { className: 'notice' });
  notice.id = 'task-notice';
  notice.setAttribute('role', 'alert');
  notice.hidden = true;

  const ownership = el('div', { className: 'ownership' });
  if (task.assignee === null) ownership.append(button('Claim', actions.claim, { className: 'primary claim', ariaLabel: `Claim ${task.ticketNumber}` }));
  else if (task.assignee === context.me) ownership.append(button('Release', actions.release, { className: 'release', ariaLabel: `Release ${task.ticketNumber}` }));
  else ownership.append(el('span', { className: 'muted', text: `Claimed by ${task.assignee}` }));

  const form = el('section', { className: 'completion' });
  form.setAttribute('aria-labelledby', 'completion-title');
  const mayWork = task.assignee === null || task.assignee === context.me;

  container.replaceChildren(
    header,
    notice,
    facts(task, context),
    ownership,
    form,
    ...(mayWork ? [el('h3', { text: 'Hand it on' }), handOnForms(task, context, actions), bpmnErrorBox(task, actions.bpmnProblem)] : []),
    commentForm(actions),
    el('h3', { text: 'Owner chain' }),
    history(task),
  );
  container.dataset['taskId'] = task.id;
  container.dataset['version'] = String(task.version);
  return { form, notice };
}
