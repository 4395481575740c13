/**
 * /technician: a technician's visits on a phone. Each visit says where, for whom and what; the
 * technician reports "on my way" (the customer sees an ETA) and "arrived", declines with a
 * reason, and finishes the visit with its form (the checklist, parts used), which the server checks
 * again.
 */
import './technician.css';

import type { DayVisit, VisitProgress } from '../../../server/field/visit.service.js';
import { renderCompletion } from '../inbox/task-completion.js';
import { api, json, type TaskView } from '../shared/api.js';
import { $, button, el, errorText, field } from '../shared/dom.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';

const list = $<HTMLOListElement>('#visits');
const status = $<HTMLParagraphElement>('#status');

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

const time = (iso: string) => formatDateTime(iso, { hour: '2-digit', minute: '2-digit' });

function card(visit: DayVisit, me: string): HTMLLIElement {
  const item = el('li', { className: 'visit', data: { ticket: visit.ticketNumber, task: visit.taskId } });
  const state = el('span', { className: 'state', text: t(`field:day.state.${visit.state}`), data: { state: visit.state } });
  item.append(el('h2', {}, `${visit.ticketNumber} · ${visit.name} `, state));
  // The navigation link, placed with the actions below.
  let mapLink: HTMLAnchorElement | null = null;
  if (visit.asset) {
    const map = el('a', { text: t('field:day.navigate') });
    mapLink = map;
    map.href = `https://www.openstreetmap.org/?mlat=${visit.asset.lat}&mlon=${visit.asset.lon}#map=17/${visit.asset.lat}/${visit.asset.lon}`;
    map.target = '_blank';
    map.rel = 'noopener';
    item.append(el('p', { className: 'where', text: `${visit.asset.address} (${visit.asset.type}, ${visit.asset.id})` }));
    item.dataset['map'] = map.href;
  }
  const meta = [visit.customerName, visit.description].filter((part): part is string => Boolean(part)).join(' — ');
  if (meta) item.append(el('p', { className: 'meta', text: meta }));
  const times = [visit.dueAt ? t('field:day.due', { time: time(visit.dueAt) }) : null, visit.etaAt ? t('field:day.eta', { time: time(visit.etaAt) }) : null].filter(Boolean).join(' · ');
  if (times) item.append(el('p', { className: 'meta', text: times }));

  const error = el('p', { className: 'error' });
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const fail = (err: unknown) => {
    error.textContent = errorText(err);
    error.hidden = false;
  };
  const panel = el('div', { className: 'panel' });
  panel.hidden = true;
  const progress = (step: 'on-my-way' | 'arrived') => async () => {
    try {
      await json<VisitProgress>('POST', `/api/tasks/${encodeURIComponent(visit.taskId)}/${step}`, { json: {} });
      await load(me);
    } catch (err) {
      fail(err);
    }
  };
  const actions = el('div', { className: 'actions' });
  if (visit.state === 'assigned') actions.append(button(t('field:day.onMyWay'), () => void progress('on-my-way')(), { className: 'primary' }));
  if (visit.state === 'on-the-way') actions.append(button(t('field:day.arrived'), () => void progress('arrived')(), { className: 'primary' }));
  if (mapLink) actions.append(mapLink);
  actions.append(
    button(t('field:day.report'), () => void openReport(visit, panel, me).catch(fail), { className: visit.state === 'arrived' ? 'primary' : '' }),
    button(t('field:day.decline'), () => openDecline(visit, panel, me, fail)),
  );
  item.append(actions, error, panel);
  return item;
}

async function openReport(visit: DayVisit, panel: HTMLElement, me: string): Promise<void> {
  panel.hidden = false;
  const task = await json<TaskView>('GET', `/api/tasks/${encodeURIComponent(visit.taskId)}`);
  await renderCompletion(panel, task, me, {
    complete: async (variables) => {
      await api.complete(task.id, task.version, variables);
      say(t('field:day.done'));
      await load(me);
    },
  });
}

function openDecline(visit: DayVisit, panel: HTMLElement, me: string, fail: (err: unknown) => void): void {
  panel.hidden = false;
  const reason = el('textarea');
  reason.rows = 2;
  reason.maxLength = 2000;
  const send = button(
    t('field:day.decline'),
    () => {
      if (!reason.value.trim()) {
        fail(new Error(t('field:day.declineReason')));
        return;
      }
      send.disabled = true;
      json('POST', `/api/tasks/${encodeURIComponent(visit.taskId)}/decline`, { json: { reason: reason.value.trim() } })
        .then(() => {
          say(t('field:day.declined'));
          return load(me);
        })
        .catch(fail)
        .finally(() => (send.disabled = false));
    },
    { className: 'primary' },
  );
  panel.replaceChildren(field(t('field:day.declineReason'), reason, `decline-${visit.taskId}`), send);
  reason.focus();
}

async function load(me: string): Promise<void> {
  try {
    const visits = await json<DayVisit[]>('GET', '/api/technician/visits');
    list.replaceChildren(...(visits.length ? visits.map((visit) => card(visit, me)) : [el('li', { className: 'muted', text: t('field:day.empty') })]));
    if (status.textContent === t('field:day.loading')) say('');
  } catch (err) {
    say(errorText(err), true);
  }
  document.body.dataset['ready'] = 'true';
}

translatePage();
const session = await requireSession();
const nav = $<HTMLElement>('#user');
nav.append(languagePicker());
mountTicketSearch(nav);
mountUserBadge(nav, session);
await load(session.user.username);
