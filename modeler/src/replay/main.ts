/**
 * /replay/:instanceId: an instance's audit trail played back on its own diagram version. The
 * page loads the whole timeline once and folds each step itself with the server's own pure fold
 * (`server/replay/replay-fold.ts`), so stepping costs no request and shows exactly what
 * `GET /api/instances/:id/replay?step=n` would. The badge shows the
 * verification the replay payload carries.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './replay.css';

import type { ReplayEvent } from '../../../server/contracts/replay.js';
import { foldAudit } from '../../../server/replay/replay-fold.js';
import { ApiError, request } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { instancesApi, type ReplayPayload, type Verification } from '../shared/instances-api.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { formatDateTime, t, translatePage } from '../shared/i18n.js';
import { accountLanguagePicker } from '../shared/account.js';
import { mountNotifications } from '../shared/notifications.js';
import { verificationBadge } from './badge.js';
import { ReplayDiagram } from './diagram.js';
import { renderPanels } from './panels.js';
import { Player } from './player.js';
import { diagramMarks, stepAtTime } from './step-view.js';
import { Timeline } from './timeline.js';

translatePage();

const ui = {
  title: $('#title'),
  badge: $('#verify-badge'),
  slider: $<HTMLInputElement>('#slider'),
  position: $('#position'),
  play: $<HTMLButtonElement>('#play'),
  jumpTime: $<HTMLInputElement>('#jump-time'),
  error: $('#error'),
  panels: $('#panels'),
};

function fail(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
}

/** Why the page cannot show the replay, in words. */
function problem(err: unknown, instanceId: string): string {
  if (err instanceof ApiError && err.status === 403) return t('replay:forbidden');
  if (err instanceof ApiError && err.status === 404) return t('replay:notFound', { id: instanceId });
  return t('replay:loadFailed', { message: errorText(err) });
}

function showBadge(verification: Verification): void {
  const badge = verificationBadge(verification, t);
  ui.badge.textContent = badge.text;
  ui.badge.title = badge.detail;
  ui.badge.dataset['state'] = badge.state;
}

/** The step asked for in `?step=` (a link to one moment), else the last. */
function initialStep(last: number): number {
  const asked = new URLSearchParams(location.search).get('step');
  const step = asked === null ? NaN : Number(asked);
  return Number.isInteger(step) && step >= 0 && step <= last ? step : last;
}

function start(payload: ReplayPayload, diagram: ReplayDiagram): void {
  const events: readonly ReplayEvent[] = payload.events;
  const last = events.length;
  const nameOf = (elementId: string | null) => diagram.nameOf(elementId);

  const timeline = new Timeline($<HTMLTableSectionElement>('#timeline'), (step) => player.go(step));
  timeline.render(events, nameOf, payload.verification.firstInvalid?.seq ?? null);

  const show = (step: number) => {
    const state = foldAudit(events, step);
    diagram.show(diagramMarks(state, events[step - 1], t));
    renderPanels(ui.panels, state, nameOf);
    timeline.select(step);
    ui.slider.value = String(step);
    const event = events[step - 1];
    ui.position.textContent = event
      ? t('replay:position', { seq: event.seq, last, at: formatDateTime(event.at, { dateStyle: 'short', timeStyle: 'medium' }), status: t(`replay:status.${state.status}`) })
      : t('replay:beforeFirst', { last });
    document.body.dataset['step'] = String(step);
    const url = new URL(location.href);
    url.searchParams.set('step', String(step));
    history.replaceState(null, '', url);
  };
  const player = new Player(last, show, (playing) => {
    ui.play.textContent = t(playing ? 'replay:pause' : 'replay:play');
    document.body.dataset['playing'] = String(playing);
  });

  ui.slider.max = String(last);
  ui.slider.addEventListener('input', () => player.go(Number(ui.slider.value)));
  $('#first').addEventListener('click', () => player.go(0));
  $('#back').addEventListener('click', () => player.back());
  $('#forward').addEventListener('click', () => player.forward());
  $('#last').addEventListener('click', () => player.go(last));
  ui.play.addEventListener('click', () => player.toggle());
  const jump = () => {
    // datetime-local has no zone: Date.parse reads it as the browser's local time, as shown.
    const at = Date.parse(ui.jumpTime.value);
    if (Number.isNaN(at)) fail(t('replay:pickTime'));
    else player.go(stepAtTime(events, at));
  };
  $('#jump').addEventListener('click', jump);
  ui.jumpTime.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') jump();
  });
  document.addEventListener('keydown', (event) => {
    // Inputs keep their own keys (the slider moves itself, the time field edits), and space on a
    // focused button or link is that button's click, not Play.
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === ' ' && (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement)) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => player.forward(),
      ArrowLeft: () => player.back(),
      Home: () => player.go(0),
      End: () => player.go(last),
      ' ': () => player.toggle(),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  player.go(initialStep(last));
}

async function main(): Promise<void> {
  const session = await requireSession();
  mountNotifications($('#user'));
  $('#user').append(accountLanguagePicker());
  mountTicketSearch($('#user'));
  mountUserBadge($('#user'), session);
  const instanceId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
  $<HTMLAnchorElement>('#export-json').href = instancesApi.exportUrl(instanceId, 'json');
  $<HTMLAnchorElement>('#export-csv').href = instancesApi.exportUrl(instanceId, 'csv');
  let payload: ReplayPayload;
  try {
    payload = await instancesApi.replay(instanceId);
  } catch (err) {
    if (err instanceof SignedOut) return;
    ui.badge.hidden = true;
    fail(problem(err, instanceId));
    return;
  }
  showBadge({ ...payload.verification, events: payload.events.length });
  const { instance, definition } = payload;
  ui.title.textContent = `${instance.ticketNumber} · ${definition.key} v${definition.version} · ${t(`replay:status.${instance.status}`)}`;
  document.title = t('replay:titleOf', { ticket: instance.ticketNumber });
  const diagram = new ReplayDiagram($('#canvas'));
  try {
    await diagram.open(await (await request('GET', definition.xmlUrl)).text());
  } catch (err) {
    if (err instanceof SignedOut) return;
    fail(t('replay:drawFailed', { key: definition.key, version: definition.version, message: errorText(err) }));
  }
  start(payload, diagram);
  document.body.dataset['ready'] = 'true';
}

void main().catch((err: unknown) => {
  if (!(err instanceof SignedOut)) fail(t('replay:pageFailed', { message: errorText(err) }));
});
