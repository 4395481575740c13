/**
 * An opened task: what it is (ticket, process, department, owner, SLA, why it was routed there),
 * its owner chain, and what the viewer may do with it. The completion form is drawn separately
 * (task-completion.ts) into the `form` element this returns.
 */
import type { TaskView } from '../shared/api.js';
import type { TicketView } from '../../../server/tickets/ticket.js';
import { button, el, field } from '../shared/dom.js';
import { bpmnErrorBox, type ProblemKind } from './bpmn-error-form.js';
import { ticketHref } from '../shared/header.js';
import { formatDateTime, t } from '../shared/i18n.js';
import { slaWords } from './inbox-words.js';
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
  /** Whom a task can be handed over to (GET /api/directory). */
  people: readonly { username: string; departments: string[] }[];
  /** Auditors, and people who see the ticket but not the task any more: they read, they do not act. */
  readOnly: boolean;
  now: Date;
}

function when(iso: string): string {
  return formatDateTime(iso);
}

function facts(task: TaskView, context: DetailContext): HTMLDListElement {
  const sla = slaText(task, context.now, slaWords);
  const list = el('dl', { className: 'facts' });
  const add = (term: string, value: string, className = '') => {
    const dd = el('dd', { className, text: value });
    list.append(el('dt', { text: term }), dd);
    return dd;
  };
  add(t('inbox:detail.ticket'), task.ticketNumber);
  add(t('inbox:detail.process'), t('inbox:detail.processValue', { key: task.processKey, version: task.definitionVersion }));
  add(t('inbox:detail.department'), task.department ?? t('inbox:row.unrouted'));
  add(t('inbox:detail.owner'), task.assignee ? (task.assignee === context.me ? t('inbox:detail.ownerYou', { name: task.assignee }) : task.assignee) : t('inbox:row.unclaimed'));
  add(t('inbox:detail.priority'), task.priority === null ? t('inbox:detail.none') : String(task.priority));
  add(t('inbox:detail.sla'), sla.text, `sla sla-${sla.state}`).dataset['sla'] = sla.state;
  if (task.dueAt) add(t('inbox:detail.due'), when(task.dueAt));
  add(t('inbox:detail.opened'), when(task.createdAt));
  add(t('inbox:detail.routedBecause'), task.routingReason ?? t('inbox:detail.notRecorded'));
  if (task.escalatedFrom) add(t('inbox:detail.escalated'), t('inbox:detail.escalatedValue', { element: task.escalatedFrom.elementId, when: when(task.escalatedFrom.at) }));
  return list;
}

function history(task: TaskView): HTMLOListElement {
  const list = el('ol', { className: 'history' });
  for (const entry of task.history) {
    const holder = [entry.department, entry.assignee].filter(Boolean).join(' / ') || t('inbox:detail.nobody');
    const item = el('li', { text: t('inbox:detail.historyLine', { when: when(entry.at), action: t(`inbox:detail.action.${entry.action}`), by: entry.by, holder }) });
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
  form.append(
    el('h3', { text: title }),
    ...fields,
    error,
    button(submitLabel, () => undefined, { type: 'submit' }),
  );
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

  const passReason = textarea('reason', t('inbox:detail.passUpReason'));
  box.append(
    miniForm('pass-up', t('inbox:detail.passUp'), [field(t('inbox:detail.reasonRequired'), passReason, 'pass-up-reason')], t('inbox:detail.passUp'), (form) => {
      const reason = value(form, 'reason');
      if (!reason) return t('inbox:detail.passUpMissing');
      actions.passUp(reason);
      return null;
    }),
  );

  const department = el('select');
  department.name = 'department';
  department.append(new Option(t('inbox:detail.keepDepartment'), ''), ...context.departments.filter((d) => d.id !== task.department).map((d) => new Option(d.name, d.id)));
  // A person is picked from the directory (the list narrows as one types), or typed.
  const person = el('input');
  person.name = 'assignee';
  person.placeholder = t('inbox:detail.personPlaceholder');
  person.autocomplete = 'off';
  const people = el('datalist');
  people.id = 'hand-over-people';
  people.append(...context.people.filter((p) => p.username !== context.me).map((p) => new Option(p.departments.join(', '), p.username)));
  person.setAttribute('list', people.id);
  box.append(
    people,
    miniForm(
      'hand-over',
      t('inbox:detail.handOver'),
      [
        field(t('inbox:detail.toDepartment'), department, 'hand-over-department'),
        field(t('inbox:detail.toPerson'), person, 'hand-over-person'),
        field(t('inbox:detail.reasonRequired'), textarea('reason', t('inbox:detail.handOverReason')), 'hand-over-reason'),
      ],
      t('inbox:detail.handOver'),
      (form) => {
        const target = { department: value(form, 'department') || undefined, assignee: value(form, 'assignee') || undefined };
        const reason = value(form, 'reason');
        if (!target.department && !target.assignee) return t('inbox:detail.handOverMissingTarget');
        if (!reason) return t('inbox:detail.handOverMissingReason');
        actions.handOver({ ...(target.department ? { department: target.department } : {}), ...(target.assignee ? { assignee: target.assignee } : {}) }, reason);
        return null;
      },
    ),
  );

  box.append(
    miniForm(
      'wait-on-customer',
      'Waiting on customer',
      [field('What the customer is asked for (required)', textarea('reason', 'e.g. the serial number'), 'wait-reason')],
      'Stop the SLA clock',
      (form) => {
        const reason = value(form, 'reason');
        if (!reason) return 'Say what the customer is asked for.';
        actions.waitOnCustomer(reason);
        return null;
      },
    ),
    miniForm('resume-sla', 'Customer answered', [field('Note', textarea('reason', 'optional'), 'resume-reason')], 'Start the SLA clock again', (form) => {
      actions.resumeSla(value(form, 'reason'));
      return null;
    }),
  );

  return box;
}

/** Anyone who may act on the task may comment, whoever holds it. */
function commentForm(actions: DetailActions): HTMLFormElement {
  return miniForm(
    'comment',
    t('inbox:detail.comment'),
    [field(t('inbox:detail.comment'), textarea('text', t('inbox:detail.commentPlaceholder')), 'comment-text')],
    t('inbox:detail.addComment'),
    (form) => {
      const text = value(form, 'text');
      if (!text) return t('inbox:detail.commentMissing');
      actions.comment(text);
      form.reset();
      return null;
    },
  );
}

/**
 * What the earlier levels wrote travels with the ticket: the customer, the problem, every finished
 * task's answers, notes and hand-offs with their reasons, and the conversation with the customer.
 */
function ticketContext(ticket: TicketView): HTMLElement {
  const box = el('section', { className: 'ticket-context' });
  box.id = 'ticket-context';
  const link = el('a', { text: t('inbox:detail.openTicket') });
  link.href = ticketHref(ticket.ticketNumber);
  box.append(el('h3', { text: t('inbox:detail.context') }), link);
  const about = el('dl', { className: 'about' });
  const who = [ticket.customer.name, ticket.customer.email, ticket.customer.phone].filter(Boolean).join(' · ');
  if (who) about.append(el('dt', { text: t('inbox:detail.customer') }), el('dd', { text: who }));
  if (ticket.problem) about.append(el('dt', { text: t('inbox:detail.problem') }), el('dd', { className: 'problem', text: ticket.problem }));
  box.append(about);
  const worth = ticket.story.filter((entry) => ['completed', 'note', 'passed-up', 'handed-over', 'sla-breached', 'to-customer', 'from-customer'].includes(entry.type));
  if (!worth.length) {
    box.append(el('p', { className: 'muted', text: t('inbox:detail.noStory') }));
    return box;
  }
  const list = el('ol', { className: 'story' });
  for (const entry of worth) {
    const target = [entry.department, entry.assignee].filter(Boolean).join(' / ') || t('tickets:story.nobody');
    const item = el(
      'li',
      { data: { type: entry.type } },
      el('span', { className: 'muted', text: `${when(entry.at)} · ` }),
      t(`tickets:story.${entry.type}`, { actor: entry.actor, task: entry.taskName ?? '', department: entry.department ?? '—', target }),
    );
    if (entry.reason) item.append(el('q', { text: entry.reason }));
    if (entry.text) item.append(el('q', { text: entry.text }));
    for (const answer of entry.answers) {
      if (answer.value === '' || answer.value === null || answer.value === undefined || typeof answer.value === 'object') continue;
      const shown = answer.value === true ? t('tickets:story.yes') : answer.value === false ? t('tickets:story.no') : String(answer.value);
      item.append(el('span', { className: 'answer', text: `${answer.label}: ${shown}` }));
    }
    list.append(item);
  }
  box.append(list);
  return box;
}

/** Draws the task into `container`; returns the element the completion form goes into. */
export function renderDetail(container: HTMLElement, task: TaskView & { ticket?: TicketView }, context: DetailContext, actions: DetailActions): { form: HTMLElement; notice: HTMLElement } {
  const header = el('header', { className: 'detail-header' });
  const title = el('h2', { text: `${task.ticketNumber} · ${task.name}` });
  title.id = 'detail-title';
  title.tabIndex = -1;
  header.append(title, button(t('inbox:detail.close'), actions.close, { className: 'close', ariaLabel: t('inbox:detail.closeLabel') }));

  const notice = el('p', { className: 'notice' });
  notice.id = 'task-notice';
  notice.setAttribute('role', 'alert');
  notice.hidden = true;

  const ownership = el('div', { className: 'ownership' });
  if (context.readOnly) ownership.append(el('span', { className: 'muted', text: task.assignee ? t('inbox:detail.claimedBy', { assignee: task.assignee }) : t('inbox:detail.readOnly') }));
  else if (task.assignee === null) ownership.append(button(t('inbox:row.claim'), actions.claim, { className: 'primary claim', ariaLabel: t('inbox:row.claimLabel', { ticket: task.ticketNumber }) }));
  else if (task.assignee === context.me)
    ownership.append(button(t('inbox:row.release'), actions.release, { className: 'release', ariaLabel: t('inbox:row.releaseLabel', { ticket: task.ticketNumber }) }));
  else ownership.append(el('span', { className: 'muted', text: t('inbox:detail.claimedBy', { assignee: task.assignee }) }));

  const form = el('section', { className: 'completion' });
  form.setAttribute('aria-labelledby', 'completion-title');
  const mayWork = !context.readOnly && (task.assignee === null || task.assignee === context.me);

  container.replaceChildren(
    header,
    notice,
    facts(task, context),
    ...(task.ticket ? [ticketContext(task.ticket)] : []),
    ownership,
    ...(context.readOnly ? [] : [form]),
    ...(mayWork ? [el('h3', { text: t('inbox:detail.handOn') }), handOnForms(task, context, actions), bpmnErrorBox(task, actions.bpmnProblem)] : []),
    ...(context.readOnly ? [] : [commentForm(actions)]),
    el('h3', { text: t('inbox:detail.ownerChain') }),
    history(task),
  );
  container.dataset['taskId'] = task.id;
  container.dataset['version'] = String(task.version);
  return { form, notice };
}
