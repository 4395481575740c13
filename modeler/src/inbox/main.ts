/**
 * /inbox: the signed-in person's tasks and their departments' queue, live. REST is the truth: the
 * list is loaded from `GET /api/tasks` on every (re)connect of the socket, and each socket event
 * is applied as a hint (older versions dropped) and then confirmed by reading the task over REST.
 */
import './inbox.css';

import { canSeeTask } from '../../../server/auth/access.js';
import type { LiveTask, TaskChange, TaskRemovedEvent } from '../../../server/live/live-events.js';
import type { Directory } from '../../../server/contracts/users.js';
import type { UserView } from '../../../server/users/user.js';
import { ApiError, api, json, type Department, type TaskView } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { mountTicketSearch } from '../shared/header.js';
import { languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { setUpNewTicket } from './new-ticket.js';
import { inboxSections, type InboxFilter } from './inbox-order.js';
import { InboxModel } from './inbox-model.js';
import { connectInbox, type ConnectionState } from './live.js';
import { slaText } from './sla-words.js';
import { loadWorkingCalendars } from './working-calendars.js';
import { slaWords } from './inbox-words.js';
import { renderCompletion } from './task-completion.js';
import { renderDetail } from './task-detail.js';
import { rememberFocus, renderRows, type RowActions } from './task-list.js';

/** SLA words ("due in 3 h 20 min") are recomputed this often. */
const SLA_TICK_MS = 30_000;

const ui = {
  filter: $<HTMLSelectElement>('#filter'),
  search: $<HTMLInputElement>('#search'),
  status: $('#status'),
  connection: $('#connection'),
  mine: $('#mine'),
  queue: $('#queue'),
  mineSection: $('#mine-section'),
  queueSection: $('#queue-section'),
  mineCount: $('#mine-count'),
  queueCount: $('#queue-count'),
  detail: $('#detail'),
};

const model = new InboxModel();
/** The signed-in user (set once at start). */
let user: UserView;
let departments: Department[] = [];
let people: { username: string; departments: string[] }[] = [];
let filter: InboxFilter = 'all';

/** The opened task as last drawn, and what to undo when it closes. */
let opened: { task: TaskView; cleanup: () => void; notice: HTMLElement } | null = null;
/** A task this page is acting on: its own events are not "someone else" changing it. */
let acting: string | null = null;

function say(text: string, kind: 'ok' | 'error' | 'info' = 'info'): void {
  ui.status.textContent = text;
  ui.status.dataset['kind'] = kind;
}

function render(): void {
  const now = new Date();
  const { mine, queue } = inboxSections(model.all(), filter, ui.search.value, user, now);
  const selected = opened?.task.id ?? null;
  const restoreFocus = rememberFocus();
  const readOnly = user.role === 'auditor';
  renderRows(ui.mine, mine, user.username, selected, now, rowActions, t('inbox:emptyMine'), readOnly);
  renderRows(ui.queue, queue, user.username, selected, now, rowActions, ui.search.value.trim() ? t('inbox:noMatch') : t('inbox:emptyQueue'), readOnly);
  ui.mineCount.textContent = `(${mine.length})`;
  ui.queueCount.textContent = `(${queue.length})`;
  ui.queueSection.hidden = filter === 'mine';
  restoreFocus();
  if (opened) {
    // Only the SLA moves with time; the rest of the opened task is redrawn when it changes.
    const sla = slaText(opened.task, now, slaWords);
    const cell = ui.detail.querySelector<HTMLElement>('dd[data-sla]');
    if (cell) {
      cell.textContent = sla.text;
      cell.className = `sla sla-${sla.state}`;
      cell.dataset['sla'] = sla.state;
    }
  }
}

const rowActions: RowActions = {
  open: (task) => void openTask(task.id),
  claim: (task) => void act(task.id, (version) => api.claim(task.id, version), t('inbox:claimed', { ticket: task.ticketNumber }), task.version),
  release: (task) => void act(task.id, (version) => api.release(task.id, version), t('inbox:released', { ticket: task.ticketNumber }), task.version),
};

// --- REST: the truth ---------------------------------------------------------------------------

/** Hints heard while a re-sync is in flight: applied again on top of its (possibly older) answer. */
let heardDuringSync: (() => void)[] | null = null;

function hint(apply: () => void): void {
  apply();
  heardDuringSync?.push(apply);
}

async function resync(): Promise<void> {
  heardDuringSync = [];
  try {
    const tasks = await allOpenTasks();
    model.reset(tasks);
    // Versions decide: an event newer than the answer wins, an older one is dropped again.
    for (const apply of heardDuringSync) apply();
    heardDuringSync = null;
    render();
    if (opened) await refreshOpened();
  } catch (err) {
    heardDuringSync = null;
    if (err instanceof SignedOut) return;
    say(t('inbox:loadFailed', { message: errorText(err) }), 'error');
  }
}

/** Every open task the person sees, page by page (the server answers at most 500 at a time). */
async function allOpenTasks(): Promise<TaskView[]> {
  const PAGE = 500;
  const all: TaskView[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await json<TaskView[]>('GET', `/api/tasks?status=open&limit=${PAGE}&offset=${offset}`);
    all.push(...page);
    if (page.length < PAGE) return all;
    say(t('inbox:loadMore', { count: all.length }));
  }
}

/** Reads one task over REST after an event about it: REST decides whether and how it is shown. */
async function confirm(id: string): Promise<TaskView | null> {
  try {
    const task = await api.task(id);
    // A ticket one touched stays readable after it moved on; the inbox lists only what is one's to work.
    if (task.status === 'open' && canSeeTask(user, task)) model.put(task);
    else if (task.status === 'open') model.forget(task.id);
    else model.drop(task.id, task.version);
    render();
    return task;
  } catch (err) {
    // Not visible any more (moved to another department) or gone.
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      model.forget(id);
      render();
      return null;
    }
    throw err;
  }
}

// --- Socket events: hints ----------------------------------------------------------------------

function onCreated(task: LiveTask): void {
  hint(() => model.put(task));
  render();
  void confirm(task.id).catch(() => undefined);
}

function onUpdated(task: LiveTask, change: TaskChange): void {
  hint(() => model.put(task));
  render();
  if (opened?.task.id === task.id && task.version > opened.task.version && acting !== task.id) {
    const notice = noticeOf(task, change);
    if (notice) showNotice(notice);
    void refreshOpened();
    return;
  }
  void confirm(task.id).catch(() => undefined);
}

function onRemoved(event: TaskRemovedEvent): void {
  hint(() => model.drop(event.taskId, event.version));
  render();
  if (opened?.task.id === event.taskId && acting !== event.taskId) {
    showNotice(event.reason === 'completed' ? t('inbox:notice.completedByOther') : event.reason === 'cancelled' ? t('inbox:notice.cancelled') : t('inbox:notice.movedOn'));
    void refreshOpened();
  }
}

function noticeOf(task: LiveTask, change: TaskChange): string | null {
  switch (change) {
    case 'claimed':
      return task.assignee && task.assignee !== user.username ? t('inbox:notice.tookIt', { assignee: task.assignee }) : null;
    case 'released':
      return t('inbox:notice.releasedByOther');
    case 'passed-up':
      return t('inbox:notice.passedUp', { department: task.department ?? t('inbox:notice.nextLevel') });
    case 'handed-over':
      return t('inbox:notice.handedOver', { target: task.assignee ?? task.department ?? t('inbox:notice.someoneElse') });
    case 'escalated':
      return t('inbox:notice.escalated');
    case 'sla':
    case 'changed':
      return null;
  }
}

// --- The opened task ---------------------------------------------------------------------------

function showNotice(text: string): void {
  if (!opened) return;
  opened.notice.textContent = text;
  opened.notice.hidden = false;
}

async function openTask(id: string): Promise<void> {
  try {
    const task = await api.task(id);
    await drawOpened(task, null);
    ui.detail.querySelector<HTMLElement>('#detail-title')?.focus();
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(t('inbox:openFailed', { message: errorText(err) }), 'error');
    if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
      model.forget(id);
      render();
    }
  }
}

/** Re-reads the opened task; redraws it only when it changed (a half-filled form survives otherwise). */
async function refreshOpened(): Promise<void> {
  if (!opened) return;
  const shown = opened.task;
  const notice = opened.notice.hidden ? null : opened.notice.textContent;
  try {
    const task = await confirm(shown.id);
    if (!task) {
      showNotice(notice ?? t('inbox:notice.notVisible'));
      disableOpened();
      return;
    }
    if (task.status === 'open' && !canSeeTask(user, task)) {
      showNotice(notice ?? t('inbox:notice.movedOn'));
      disableOpened();
      return;
    }
    if (opened?.task.id !== shown.id) return;
    if (task.version !== shown.version || task.status !== shown.status) await drawOpened(task, notice);
  } catch {
    // Any other failure keeps what is shown; the next event or sync reads it again.
  }
}

function disableOpened(): void {
  for (const control of ui.detail.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('.completion button, .task-actions button, .ownership button')) {
    control.disabled = true;
  }
}

async function drawOpened(task: TaskView, notice: string | null): Promise<void> {
  opened?.cleanup();
  const readOnly = user.role === 'auditor' || task.status !== 'open' || !canSeeTask(user, task);
  const parts = renderDetail(
    ui.detail,
    task,
    { me: user.username, departments, people, readOnly, now: new Date() },
    {
      claim: () => void act(task.id, (version) => api.claim(task.id, version), t('inbox:claimed', { ticket: task.ticketNumber })),
      release: () => void act(task.id, (version) => api.release(task.id, version), t('inbox:released', { ticket: task.ticketNumber })),
      passUp: (reason) => void act(task.id, (version) => api.passUp(task.id, version, reason), t('inbox:passedUp', { ticket: task.ticketNumber })),
      handOver: (target, reason) => void act(task.id, (version) => api.handOver(task.id, version, target, reason), t('inbox:handedOver', { ticket: task.ticketNumber })),
      comment: (text) => void act(task.id, (version) => api.comment(task.id, version, text), t('inbox:commented', { ticket: task.ticketNumber })),
      bpmnProblem: (kind, code, reason) =>
        void act(
          task.id,
          (version) => (kind === 'error' ? api.bpmnError(task.id, version, code, reason) : api.escalate(task.id, version, code, reason)),
          t(kind === 'error' ? 'bpmn:inbox.ended' : 'bpmn:inbox.escalated', { ticket: task.ticketNumber, code }),
        ),
      waitOnCustomer: (reason) => void act(task.id, () => api.waitOnCustomer(task.id, reason), `${task.ticketNumber} waits on the customer: SLA paused`),
      resumeSla: (reason) => void act(task.id, () => api.resumeSla(task.id, reason), `${task.ticketNumber}: SLA running again`),
      close: closeOpened,
    },
  );
  opened = { task, cleanup: () => undefined, notice: parts.notice };
  ui.detail.hidden = false;
  if (notice) showNotice(notice);
  if (readOnly) {
    disableOpened();
    render();
    return;
  }
  render();
  const cleanup = await renderCompletion(parts.form, task, user.username, {
    complete: async (variables, comment) => {
      acting = task.id;
      try {
        const version = opened?.task.version ?? task.version;
        if (comment) await api.comment(task.id, version, comment);
        const done = await api.complete(task.id, version, variables);
        model.drop(done.id, done.version);
        closeOpened();
        say(t('inbox:completed', { ticket: task.ticketNumber }), 'ok');
      } catch (err) {
        if (isStale(err)) await refreshOpened();
        throw err;
      } finally {
        acting = null;
      }
    },
  });
  if (opened?.task === task) opened.cleanup = cleanup;
  else cleanup();
}

function closeOpened(): void {
  const id = opened?.task.id;
  opened?.cleanup();
  opened = null;
  ui.detail.hidden = true;
  ui.detail.replaceChildren();
  render();
  if (id) document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"] .open-task`)?.focus();
}

// --- Actions -----------------------------------------------------------------------------------

function isStale(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'VERSION_CONFLICT' || err.status === 409);
}

/**
 * Runs one task action at the version the page last saw. The answer is the task's new state; a
 * refusal (someone changed it first, 409) is shown in the server's words and the task re-read.
 */
async function act(id: string, run: (version: number) => Promise<TaskView>, done: string, listVersion?: number): Promise<void> {
  const version = opened?.task.id === id ? opened.task.version : (listVersion ?? model.get(id)?.version ?? 1);
  acting = id;
  try {
    const task = await run(version);
    // A pass-up that moved the ticket to the next level's step answers with that step's task: the one acted on is gone.
    if (task.id !== id) model.forget(id);
    const visible = task.status === 'open' && canSeeTask(user, task);
    if (visible) model.put(task);
    else model.drop(task.id, task.version);
    say(done, 'ok');
    if (opened?.task.id === id) {
      if (visible) await drawOpened(task, null);
      else closeOpened();
    }
    render();
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(errorText(err), 'error');
    if (opened?.task.id === id) {
      showNotice(errorText(err));
      if (isStale(err)) await refreshOpened();
    } else if (isStale(err)) {
      await confirm(id).catch(() => undefined);
    }
  } finally {
    acting = null;
  }
}

// --- Start -------------------------------------------------------------------------------------

function setConnection(state: ConnectionState, detail?: string): void {
  ui.connection.dataset['state'] = state;
  ui.connection.textContent = state === 'live' ? t('inbox:live') : state === 'connecting' ? t('inbox:connecting') : t('inbox:offline', { detail: detail ?? t('inbox:reconnecting') });
}

async function start(): Promise<void> {
  translatePage();
  const session = await requireSession();
  user = session.user;
  $('#user').append(languagePicker());
  mountUserBadge($('#user'), session);
  mountTicketSearch($('#search-slot'));
  [departments, people] = await Promise.all([
    api.departments().catch(() => []),
    json<Directory>('GET', '/api/directory').then(
      (directory) => directory.people,
      () => [],
    ),
  ]);
  await loadWorkingCalendars(departments);
  const newTicket = setUpNewTicket((ticket) => {
    const first = ticket.openTasks[0];
    // The first task opens at once when it is the caller's to work: theirs, or their department's.
    if (first && (first.assignee === user.username || (first.assignee === null && first.department !== null && user.departments.includes(first.department)))) void openTask(first.id);
  });
  const newButton = $<HTMLButtonElement>('#new-ticket');
  if (user.role === 'auditor') newButton.hidden = true;
  else newButton.addEventListener('click', () => newTicket.open());

  ui.filter.addEventListener('change', () => {
    filter = ui.filter.value as InboxFilter;
    render();
  });
  ui.search.addEventListener('input', render);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && opened && !$<HTMLDialogElement>('#new-ticket-dialog').open) closeOpened();
    // "n": a new ticket, unless typing.
    const target = event.target as HTMLElement | null;
    const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
    if (event.key === 'n' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && user.role !== 'auditor') {
      event.preventDefault();
      newTicket.open();
    }
  });
  // /inbox?task=<id> (the ticket page's "Open in the inbox") opens that task.
  const wanted = new URLSearchParams(location.search).get('task');
  if (wanted) void openTask(wanted);
  setInterval(render, SLA_TICK_MS);

  /** Grows while the server keeps refusing a signed-in page (e.g. a proxy dropping the upgrade). */
  let refusedDelay = 1000;
  const socket = connectInbox({
    connected: () => {
      refusedDelay = 1000;
      void resync();
    },
    state: setConnection,
    refused: () => reconnectIfSignedIn(),
  });
  /** The server let go of the socket: a signed-out session goes to the sign-in page, else retry. */
  function reconnectIfSignedIn(): void {
    requireSession().then(
      () => {
        setTimeout(() => socket.connect(), refusedDelay);
        refusedDelay = Math.min(refusedDelay * 2, 30_000);
      },
      (err: unknown) => {
        // Offline: ask again later; signed out: the browser is on its way to /login.
        if (!(err instanceof SignedOut)) setTimeout(reconnectIfSignedIn, 3000);
      },
    );
  }
  // For tests and the curious: the live connection of this page.
  (window as unknown as { batonInbox: unknown }).batonInbox = { socket };
  socket.on('task:created', ({ task }) => onCreated(task));
  socket.on('task:updated', ({ task, change }) => onUpdated(task, change));
  socket.on('task:removed', (event) => onRemoved(event));
  socket.on('ticket:customer-replied', (event) => {
    say(t('inbox:customerReplied', { ticket: event.ticketNumber }), 'info');
    ui.status.dataset['ticket'] = event.ticketNumber;
  });
  document.body.dataset['ready'] = 'true';
}

start().catch((err: unknown) => {
  if (err instanceof SignedOut) return;
  say(t('inbox:startFailed', { message: errorText(err) }), 'error');
});
