/**
 * /inbox: the signed-in person's tasks and their departments' queue, live. REST is the truth: the
 * list is loaded from `GET /api/tasks` on every (re)connect of the socket, and each socket event
 * is applied as a hint (older versions dropped) and then confirmed by reading the task over REST.
 */
import './inbox.css';

import { canSeeTask } from '../../../server/auth/access.js';
import type { LiveTask, TaskChange, TaskRemovedEvent } from '../../../server/live/live-events.js';
import type { UserView } from '../../../server/users/user.js';
import { ApiError, api, type Department, type TaskView } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { inboxSections, type InboxFilter } from './inbox-order.js';
import { InboxModel } from './inbox-model.js';
import { connectInbox, type ConnectionState } from './live.js';
import { slaText } from './sla-words.js';
import { loadWorkingCalendars } from './working-calendars.js';
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
  renderRows(ui.mine, mine, user.username, selected, now, rowActions, 'Nothing assigned to you.');
  renderRows(ui.queue, queue, user.username, selected, now, rowActions, ui.search.value.trim() ? 'No task with that ticket number.' : 'The queue is empty.');
  ui.mineCount.textContent = `(${mine.length})`;
  ui.queueCount.textContent = `(${queue.length})`;
  ui.queueSection.hidden = filter === 'mine';
  restoreFocus();
  if (opened) {
    // Only the SLA moves with time; the rest of the opened task is redrawn when it changes.
    const sla = slaText(opened.task, now);
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
  claim: (task) => void act(task.id, (version) => api.claim(task.id, version), `Claimed ${task.ticketNumber}`, task.version),
  release: (task) => void act(task.id, (version) => api.release(task.id, version), `Released ${task.ticketNumber}`, task.version),
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
    const tasks = await api.openTasks();
    model.reset(tasks);
    // Versions decide: an event newer than the answer wins, an older one is dropped again.
    for (const apply of heardDuringSync) apply();
    heardDuringSync = null;
    render();
    if (opened) await refreshOpened();
  } catch (err) {
    heardDuringSync = null;
    if (err instanceof SignedOut) return;
    say(`Could not load the inbox: ${errorText(err)}`, 'error');
  }
}

/** Reads one task over REST after an event about it: REST decides whether and how it is shown. */
async function confirm(id: string): Promise<TaskView | null> {
  try {
    const task = await api.task(id);
    if (task.status === 'open') model.put(task);
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
    showNotice(
      event.reason === 'completed'
        ? 'Someone else completed this task.'
        : event.reason === 'cancelled'
          ? 'The task was cancelled: the process moved on without it.'
          : 'The task was passed on and is no longer yours to work on.',
    );
    void refreshOpened();
  }
}

function noticeOf(task: LiveTask, change: TaskChange): string | null {
  switch (change) {
    case 'claimed':
      return task.assignee && task.assignee !== user.username ? `${task.assignee} took this task while you had it open.` : null;
    case 'released':
      return 'The task was released: nobody holds it now.';
    case 'passed-up':
      return `The task was passed up to ${task.department ?? 'the next level'}.`;
    case 'handed-over':
      return `The task was handed over to ${task.assignee ?? task.department ?? 'someone else'}.`;
    case 'escalated':
      return 'The task was escalated.';
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
    say(`Could not open the task: ${errorText(err)}`, 'error');
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
      showNotice(notice ?? 'You can no longer see this task.');
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
  const parts = renderDetail(ui.detail, task, { me: user.username, departments, now: new Date() }, {
    claim: () => void act(task.id, (version) => api.claim(task.id, version), `Claimed ${task.ticketNumber}`),
    release: () => void act(task.id, (version) => api.release(task.id, version), `Released ${task.ticketNumber}`),
    passUp: (reason) => void act(task.id, (version) => api.passUp(task.id, version, reason), `Passed ${task.ticketNumber} up`),
    handOver: (target, reason) => void act(task.id, (version) => api.handOver(task.id, version, target, reason), `Handed ${task.ticketNumber} over`),
    comment: (text) => void act(task.id, (version) => api.comment(task.id, version, text), `Comment added to ${task.ticketNumber}`),
    bpmnProblem: (kind, code, reason) =>
      void act(
        task.id,
        (version) => (kind === 'error' ? api.bpmnError(task.id, version, code, reason) : api.escalate(task.id, version, code, reason)),
        t(kind === 'error' ? 'bpmn:inbox.ended' : 'bpmn:inbox.escalated', { ticket: task.ticketNumber, code }),
      ),
    waitOnCustomer: (reason) => void act(task.id, () => api.waitOnCustomer(task.id, reason), `${task.ticketNumber} waits on the customer: SLA paused`),
    resumeSla: (reason) => void act(task.id, () => api.resumeSla(task.id, reason), `${task.ticketNumber}: SLA running again`),
    close: closeOpened,
  });
  opened = { task, cleanup: () => undefined, notice: parts.notice };
  ui.detail.hidden = false;
  if (notice) showNotice(notice);
  if (task.status !== 'open') {
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
        say(`Completed ${task.ticketNumber}`, 'ok');
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
  ui.connection.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : `offline, ${detail ?? 'reconnecting…'}`;
}

async function start(): Promise<void> {
  const session = await requireSession();
  user = session.user;
  mountUserBadge($('#user'), session);
  departments = await api.departments().catch(() => []);
  await loadWorkingCalendars(departments);

  ui.filter.addEventListener('change', () => {
    filter = ui.filter.value as InboxFilter;
    render();
  });
  ui.search.addEventListener('input', render);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && opened) closeOpened();
  });
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
  document.body.dataset['ready'] = 'true';
}

start().catch((err: unknown) => {
  if (err instanceof SignedOut) return;
  say(`The inbox could not start: ${errorText(err)}`, 'error');
});
