/**
 * /operations (issue 18): incidents grouped by cause with retry, the instance search with bulk
 * selection, where a version's tokens are on its diagram, and one instance's interventions —
 * variables with a diff preview, move and restart with a dry run, timers fired or moved — and
 * migrations with a dry run. Every change needs the reason field; the server audits it.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '../shared/console.css';
import './operations.css';

import { ApiError, api } from '../shared/api.js';
import { $, el, errorText } from '../shared/dom.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { ReplayDiagram } from '../replay/diagram.js';
import { activitiesOf, isHeld, operationsApi, type InstanceView, type InterventionPreview, type OperationsRow } from './operations-api.js';
import { MappingLineError, parseMapping, variableEdit } from './variables-diff.js';

const message = $('#message');
const reasonInput = $<HTMLInputElement>('#reason');
const searchForm = $<HTMLFormElement>('#search');
const migrateForm = $<HTMLFormElement>('#migrate');
const selected = new Set<string>();
let rows: OperationsRow[] = [];
let current: InstanceView | null = null;
let diagram: ReplayDiagram | null = null;

function say(text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  message.textContent = text;
  message.className = kind === 'ok' ? '' : kind;
}

function failure(err: unknown): void {
  if (err instanceof SignedOut) return;
  if (err instanceof ApiError && err.status === 403) say(t('operations:notAllowed'), 'error');
  else say(errorText(err), 'error');
}

/** The reason every change needs; null (and said so) when it is empty. */
function reason(): string | null {
  const value = reasonInput.value.trim();
  if (value) return value;
  say(t('operations:reasonMissing'), 'error');
  reasonInput.focus();
  return null;
}

/** Runs a change with the buttons disabled and progress shown; errors are said in words. */
async function busy(work: () => Promise<void>): Promise<void> {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('main button')];
  buttons.forEach((button) => (button.disabled = true));
  say(t('common:action.loading'), 'busy');
  try {
    await work();
  } catch (err) {
    failure(err);
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

function formValue(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value.trim();
}

// ---- incidents ----

async function loadIncidents(): Promise<void> {
  const list = $('#incident-groups');
  const groups = await operationsApi.incidents();
  list.replaceChildren(
    ...(groups.length === 0
      ? [el('li', { className: 'empty', text: t('operations:incidents.none') })]
      : groups.map((group) => {
          const retry = el('button', { text: t('operations:incidents.retryAll'), data: { retryCause: group.cause } });
          retry.type = 'button';
          retry.addEventListener(
            'click',
            () =>
              void busy(async () => {
                const why = reason();
                if (!why) return;
                const { results } = await operationsApi.retryCause(group.cause, why);
                const resolved = results.filter((result) => result.resolved).length;
                await refresh();
                say(t('operations:incidents.retried', { total: results.length, resolved, failed: results.length - resolved }));
              }),
          );
          // Each ticket opens below: its variables (the step's input) and timers, to repair before a retry.
          const tickets = group.incidents.map((incident) => {
            const link = el('a', { text: `${incident.ticketNumber} (${incident.processKey} v${incident.definitionVersion})`, title: incident.message, data: { incidentOf: incident.instanceId } });
            link.href = `#${incident.instanceId}`;
            link.addEventListener('click', (event) => {
              event.preventDefault();
              void busy(() => openInstance(incident.instanceId));
            });
            return link;
          });
          const ticketList = el('span', { className: 'tickets' });
          tickets.forEach((link, index) => ticketList.append(...(index ? [', ', link] : [link])));
          return el(
            'li',
            { data: { cause: group.cause } },
            el('span', { className: 'cause', text: group.cause }),
            el('span', { text: group.elementId ?? '' }),
            el('span', { text: t('operations:incidents.count', { count: group.count }) }),
            ticketList,
            retry,
          );
        })),
  );
}

// ---- four-eyes requests ----

async function loadApprovals(): Promise<void> {
  const { enabled, approvals } = await operationsApi.approvals();
  $('#approvals').hidden = !enabled;
  if (!enabled) return;
  $('#approval-list').replaceChildren(
    ...(approvals.length === 0
      ? [el('li', { text: t('operations:approvals.none') })]
      : approvals.map((approval) => {
          const decide = (label: string, approve: boolean) => {
            const node = el('button', { text: label, data: { [approve ? 'approve' : 'reject']: approval.id } });
            node.type = 'button';
            node.addEventListener(
              'click',
              () =>
                void busy(async () => {
                  await (approve ? operationsApi.approve(approval.id) : operationsApi.reject(approval.id));
                  await refresh();
                  say(t(approve ? 'operations:approvals.approved' : 'operations:approvals.rejected'));
                }),
            );
            return node;
          };
          return el(
            'li',
            { data: { approval: approval.id } },
            t('operations:approvals.line', { kind: approval.kind, by: approval.requestedBy, reason: approval.reason }),
            ' ',
            decide(t('operations:approvals.approve'), true),
            ' ',
            decide(t('operations:approvals.reject'), false),
          );
        })),
  );
}

/** A change under four-eyes came back as a request: say so and show it in the list. */
async function heldNotice(): Promise<void> {
  await loadApprovals();
  say(t('operations:approvals.held'));
}

// ---- search ----

async function search(): Promise<void> {
  const query = new URLSearchParams();
  for (const name of ['process', 'version', 'status', 'incident', 'department', 'olderThanHours']) {
    const value = formValue(searchForm, name);
    if (value) query.set(name, value);
  }
  say(t('operations:search.searching'), 'busy');
  const found = await operationsApi.instances(query);
  rows = found.rows;
  for (const id of [...selected]) if (!rows.some((row) => row.id === id)) selected.delete(id);
  renderRows();
  say(rows.length === 0 ? t('operations:search.none') : t(found.truncated ? 'operations:search.foundTruncated' : 'operations:search.found', { count: rows.length }));
  await showTokens(formValue(searchForm, 'process'), Number(formValue(searchForm, 'version')));
}

function renderRows(): void {
  const body = $<HTMLTableSectionElement>('#instances > tbody');
  body.replaceChildren(
    ...rows.map((row) => {
      const box = el('input');
      box.type = 'checkbox';
      box.checked = selected.has(row.id);
      box.setAttribute('aria-label', row.ticketNumber);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(row.id);
        else selected.delete(row.id);
        renderSelection();
      });
      const open = el('a', { text: row.ticketNumber, data: { instance: row.id } });
      open.href = `#${row.id}`;
      open.addEventListener('click', (event) => {
        event.preventDefault();
        void busy(() => openInstance(row.id));
      });
      const tr = el('tr', { className: current?.id === row.id ? 'chosen' : '', data: { instanceRow: row.id } });
      const cells = [box, open, `${row.processKey} v${row.definitionVersion}`, row.status, row.at.join(', '), row.departments.join(', '), String(row.openIncidents), formatDateTime(row.startedAt)];
      tr.append(...cells.map((cell) => el('td', {}, cell)));
      return tr;
    }),
  );
  renderSelection();
}

function renderSelection(): void {
  $('#selection').textContent = selected.size ? t('operations:search.selected', { count: selected.size }) : '';
  $('#migrate-scope').textContent = t('operations:migrate.scope', { count: selected.size });
}

// ---- diagram with token counts ----

async function showTokens(process: string, version: number): Promise<void> {
  const container = $('#diagram');
  if (!process || !Number.isInteger(version) || version < 1) {
    container.hidden = true;
    $('#diagram-summary').textContent = t('operations:diagram.pick');
    return;
  }
  const [xml, tokens] = await Promise.all([operationsApi.xml(process, version), operationsApi.tokens(process, version)]);
  container.hidden = false;
  diagram ??= new ReplayDiagram(container);
  await diagram.open(xml);
  diagram.show({ tokens: new Map(Object.entries(tokens.counts)), listening: [], completed: [], tasks: [], timers: [], incidents: [], current: null });
  $('#diagram-summary').textContent = t('operations:diagram.summary', { instances: tokens.instances, process, version });
}

// ---- one instance ----

async function openInstance(id: string): Promise<void> {
  current = await operationsApi.instance(id);
  const view = current;
  $('#detail').hidden = false;
  $('#detail-title').textContent = t('operations:detail.title', { ticket: view.ticketNumber });
  $('#detail-status').textContent = t('operations:detail.status', { status: view.status, version: view.version, definition: view.definitionVersion });
  $<HTMLTextAreaElement>('#variables').value = JSON.stringify(view.variables, null, 2);
  $('#variables-diff').replaceChildren();
  $('#preview').hidden = true;
  const activities = activitiesOf(await operationsApi.xml(view.processKey, view.definitionVersion));
  const row = rows.find((candidate) => candidate.id === view.id);
  const options = (select: HTMLSelectElement, ids: { id: string; name: string }[]) =>
    select.replaceChildren(...ids.map((activity) => new Option(activity.name === activity.id ? activity.id : `${activity.name} (${activity.id})`, activity.id)));
  // Not in the list (opened from an incident): its open tasks and the elements of its open incidents.
  const waiting = row?.at ?? [
    ...view.openTasks.map((task) => task.elementId),
    ...view.incidents.filter((incident) => incident.status === 'open').flatMap((incident) => (incident.elementId ? [incident.elementId] : [])),
  ];
  options(
    $<HTMLSelectElement>('#move-from'),
    activities.filter((activity) => waiting.includes(activity.id)),
  );
  options($<HTMLSelectElement>('#move-to'), activities);
  options($<HTMLSelectElement>('#restart-from'), activities);
  $('#move-panel').hidden = view.status !== 'running';
  $('#restart-panel').hidden = view.status === 'running';
  renderTimers(view);
  renderRows();
  say('');
}

function renderTimers(view: InstanceView): void {
  const list = $('#timers');
  if (view.timers.length === 0) {
    list.replaceChildren(el('li', { text: t('operations:detail.noTimers') }));
    return;
  }
  list.replaceChildren(
    ...view.timers.map((timer) => {
      const fire = el('button', { text: t('operations:detail.fire'), data: { fireTimer: timer.elementId } });
      fire.type = 'button';
      fire.addEventListener(
        'click',
        () =>
          void busy(async () => {
            const why = reason();
            if (!why) return;
            await operationsApi.fireTimer(timer.id, why);
            await openInstance(view.id);
            say(t('operations:detail.timerFired'));
          }),
      );
      const when = el('input');
      when.type = 'datetime-local';
      when.setAttribute('aria-label', t('operations:detail.reschedule'));
      const move = el('button', { text: t('operations:detail.reschedule') });
      move.type = 'button';
      move.addEventListener(
        'click',
        () =>
          void busy(async () => {
            const why = reason();
            if (!why || !when.value) return;
            await operationsApi.rescheduleTimer(timer.id, new Date(when.value).toISOString(), why);
            await openInstance(view.id);
            say(t('operations:detail.timerMoved'));
          }),
      );
      const cancel = el('button', { text: t('operations:detail.cancelTimer'), data: { cancelTimer: timer.elementId } });
      cancel.type = 'button';
      cancel.addEventListener(
        'click',
        () =>
          void busy(async () => {
            const why = reason();
            if (!why) return;
            await operationsApi.cancelTimer(timer.id, why);
            await openInstance(view.id);
            say(t('operations:detail.timerCancelled'));
          }),
      );
      return el('li', { data: { timer: timer.elementId } }, `${timer.elementId} · ${formatDateTime(timer.dueAt)} `, fire, ' ', when, move, ' ', cancel);
    }),
  );
}

function showEditPreview(): ReturnType<typeof variableEdit> | null {
  if (!current) return null;
  let edit: ReturnType<typeof variableEdit>;
  try {
    edit = variableEdit(current.variables, $<HTMLTextAreaElement>('#variables').value);
  } catch (err) {
    say(t('operations:detail.badJson', { message: errorText(err) }), 'error');
    return null;
  }
  $('#variables-diff').replaceChildren(
    ...edit.lines.map((line) => el('li', { className: line.kind, text: line.kind === 'set' ? t('operations:detail.set', line) : t('operations:detail.removed', line) })),
  );
  if (edit.lines.length === 0) say(t('operations:detail.noChange'));
  return edit;
}

function showPreview(preview: InterventionPreview): void {
  const list = (items: string[]) => (items.length ? items.join(', ') : t('operations:preview.nothing'));
  const box = $('#preview');
  box.hidden = false;
  box.replaceChildren(
    el('h3', { text: t('operations:preview.title') }),
    el(
      'ul',
      {},
      el('li', { text: t('operations:preview.cancelled', { list: list(preview.cancelled.map((token) => token.elementId)) }) }),
      el('li', { text: t('operations:preview.tasksClosed', { list: list(preview.tasksClosed.map((task) => task.name)) }) }),
      el('li', {
        data: { opens: preview.tasksOpened.map((task) => task.elementId).join(',') },
        text: t('operations:preview.tasksOpened', { list: list(preview.tasksOpened.map((task) => task.name)) }),
      }),
      el('li', { text: t('operations:preview.timersArmed', { list: list(preview.timersArmed.map((timer) => `${timer.elementId} ${formatDateTime(timer.dueAt)}`)) }) }),
      el('li', { text: t('operations:preview.timersCancelled', { list: list(preview.timersCancelled.map((timer) => timer.elementId)) }) }),
      el('li', { text: t('operations:preview.services', { list: list(preview.services) }) }),
      el('li', { text: t('operations:preview.status', { status: preview.status }) }),
    ),
  );
}

async function refresh(): Promise<void> {
  await loadApprovals();
  await loadIncidents();
  await search();
  if (current) await openInstance(current.id);
}

function wireInstanceActions(): void {
  $('#preview-variables').addEventListener('click', () => void showEditPreview());
  $('#save-variables').addEventListener(
    'click',
    () =>
      void busy(async () => {
        const edit = showEditPreview();
        if (!edit || !current || edit.lines.length === 0) return;
        const why = reason();
        if (!why) return;
        const saved = await operationsApi.editVariables(current.id, { set: edit.set, remove: edit.remove, reason: why, version: current.version });
        if (isHeld(saved)) return heldNotice();
        await refresh();
        say(t('operations:detail.saved', { version: saved.version }));
      }),
  );
  const move = (dryRun: boolean) =>
    busy(async () => {
      const why = reason();
      if (!why || !current) return;
      const answer = await operationsApi.move(current.id, {
        from: $<HTMLSelectElement>('#move-from').value,
        to: $<HTMLSelectElement>('#move-to').value,
        reason: why,
        dryRun,
        version: current.version,
      });
      if (isHeld(answer)) return heldNotice();
      if (!dryRun) await refresh();
      showPreview(answer.preview);
      say(dryRun ? t('operations:preview.done') : t('operations:detail.moved'));
    });
  $('#move-dry').addEventListener('click', () => void move(true));
  $('#move-apply').addEventListener('click', () => void move(false));
  const restart = (dryRun: boolean) =>
    busy(async () => {
      const why = reason();
      if (!why || !current) return;
      const answer = await operationsApi.restart(current.id, { from: $<HTMLSelectElement>('#restart-from').value, reason: why, dryRun });
      if (!dryRun) await refresh();
      showPreview(answer.preview);
      say(dryRun ? t('operations:preview.done') : t('operations:detail.moved'));
    });
  $('#restart-dry').addEventListener('click', () => void restart(true));
  $('#restart-apply').addEventListener('click', () => void restart(false));
}

function wireMigration(): void {
  const run = (dryRun: boolean) =>
    busy(async () => {
      const why = reason();
      if (!why) return;
      let mapping: Record<string, string>;
      try {
        mapping = parseMapping(formValue(migrateForm, 'mapping'));
      } catch (err) {
        say(err instanceof MappingLineError ? t('operations:migrate.badMapping', { line: err.line }) : errorText(err), 'error');
        return;
      }
      say(t('operations:migrate.working'), 'busy');
      const outcome = await operationsApi.migrate({
        processKey: formValue(migrateForm, 'processKey'),
        fromVersion: Number(formValue(migrateForm, 'fromVersion')),
        toVersion: Number(formValue(migrateForm, 'toVersion')),
        mapping,
        ...(selected.size ? { instanceIds: [...selected] } : {}),
        reason: why,
        dryRun,
      });
      if (isHeld(outcome)) return heldNotice();
      const ticket = (id: string) => rows.find((row) => row.id === id)?.ticketNumber ?? id;
      $('#migrate-result').replaceChildren(...outcome.refused.map((refusal) => el('li', { text: t('operations:migrate.refused', { ticket: ticket(refusal.instanceId), reason: refusal.reason }) })));
      if (!dryRun) await refresh();
      say(t(dryRun ? 'operations:migrate.dryResult' : 'operations:migrate.result', { migrated: outcome.migrated.length, refused: outcome.refused.length }));
    });
  $('#migrate-dry').addEventListener('click', () => void run(true));
  $('#migrate-apply').addEventListener('click', () => void run(false));
}

async function main(): Promise<void> {
  translatePage();
  const session = await requireSession();
  const user = $('#user');
  mountTicketSearch(user);
  mountUserBadge(user, session);
  user.prepend(languagePicker());
  const processes = await api.definitions();
  const processSelect = searchForm.elements.namedItem('process') as HTMLSelectElement;
  const migrateSelect = migrateForm.elements.namedItem('processKey') as HTMLSelectElement;
  for (const definition of processes) {
    processSelect.append(new Option(`${definition.name || definition.key} (${definition.key})`, definition.key));
    migrateSelect.append(new Option(`${definition.name || definition.key} (${definition.key})`, definition.key));
  }
  searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(search);
  });
  $<HTMLInputElement>('#select-all').addEventListener('change', (event) => {
    const on = (event.target as HTMLInputElement).checked;
    for (const row of rows)
      if (on) selected.add(row.id);
      else selected.delete(row.id);
    renderRows();
  });
  wireInstanceActions();
  wireMigration();
  await loadApprovals();
  await loadIncidents();
  await search();
  document.body.dataset['ready'] = 'true';
}

void main().catch((err: unknown) => {
  if (err instanceof ApiError && err.status === 403) say(t('operations:notAllowed'), 'error');
  else if (!(err instanceof SignedOut)) say(t('operations:failed', { message: errorText(err) }), 'error');
});
