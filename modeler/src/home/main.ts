/**
 * `/`: each role sees what is theirs. Staff and process owners: their own tasks, then their
 * departments' queue (Claim right here), and the tickets they can see; admins every open task;
 * auditors the same lists to read, without Claim buttons. Pages a role cannot use are not offered.
 */
import './home.css';

import type { InstanceSummary } from '../../../server/contracts/instances.js';
import { api, json, type TaskView } from '../shared/api.js';
import { $, el, errorText } from '../shared/dom.js';
import { mountTicketSearch, ticketHref } from '../shared/header.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession, type UserView } from '../shared/session.js';
import { slaWords } from '../inbox/inbox-words.js';
import { slaText } from '../inbox/sla-words.js';

const status = $('#home-status');

function ticketLink(ticketNumber: string): HTMLAnchorElement {
  const link = el('a', { text: ticketNumber });
  link.href = ticketHref(ticketNumber);
  return link;
}

function taskRows(body: HTMLElement, tasks: TaskView[], empty: string, user: UserView, refresh: () => void): void {
  const now = new Date();
  if (!tasks.length) {
    body.replaceChildren(el('tr', {}, el('td', { className: 'muted', text: empty })));
    return;
  }
  body.replaceChildren(
    ...tasks.map((task) => {
      const sla = slaText(task, now, slaWords);
      const action = el('td');
      // Auditors read; everyone else claims from here.
      if (user.role !== 'auditor' && task.assignee === null) {
        const claim = el('button', { className: 'claim', text: t('home:claim') });
        claim.type = 'button';
        claim.setAttribute('aria-label', t('home:claimLabel', { ticket: task.ticketNumber }));
        claim.addEventListener('click', () => {
          claim.disabled = true;
          api.claim(task.id, task.version).then(
            () => {
              status.textContent = t('home:claimed', { ticket: task.ticketNumber });
              refresh();
            },
            (err: unknown) => {
              status.textContent = errorText(err);
              claim.disabled = false;
            },
          );
        });
        action.append(claim);
      }
      const open = el('a', { text: task.name });
      open.href = `/inbox?task=${encodeURIComponent(task.id)}`;
      return el(
        'tr',
        { data: { ticket: task.ticketNumber } },
        el('td', {}, ticketLink(task.ticketNumber)),
        el('td', {}, open),
        el('td', { text: task.department ?? '—' }),
        el('td', { className: `sla-${sla.state}`, text: sla.text }),
        el('td', { text: formatDateTime(task.createdAt) }),
        action,
      );
    }),
  );
}

async function load(user: UserView): Promise<void> {
  const refresh = () => void load(user);
  try {
    const [tasks, recent] = await Promise.all([api.openTasks(), json<InstanceSummary[]>('GET', `/api/instances?limit=10${user.role === 'staff' ? '&mine=true' : ''}`)]);
    const mine = tasks.filter((task) => task.assignee === user.username);
    const others = tasks.filter((task) => task.assignee !== user.username);
    taskRows($('#yours'), mine, t('home:yoursEmpty'), user, refresh);
    // Admins and auditors see every queue; the others their departments'.
    const everything = user.role === 'admin' || user.role === 'auditor';
    $('#queue-title').textContent = t(everything ? 'home:all' : 'home:queue');
    taskRows($('#queue'), others, t(everything ? 'home:allEmpty' : 'home:queueEmpty'), user, refresh);
    $('#yours-section').hidden = user.role === 'auditor';
    $('#recent').replaceChildren(
      ...(recent.length
        ? recent.map((instance) =>
            el(
              'tr',
              {},
              el('td', {}, ticketLink(instance.ticketNumber)),
              el('td', { text: instance.processKey }),
              el('td', { text: t(`tickets:page.statusValue.${instance.status}`) }),
              el('td', { text: formatDateTime(instance.startedAt) }),
            ),
          )
        : [el('tr', {}, el('td', { className: 'muted', text: t('home:recentEmpty') }))]),
    );
    document.body.dataset['ready'] = 'true';
  } catch (err) {
    if (err instanceof SignedOut) return;
    status.textContent = t('home:failed', { message: errorText(err) });
  }
}

async function start(): Promise<void> {
  translatePage();
  const session = await requireSession();
  const nav = $('#user');
  nav.append(languagePicker());
  mountUserBadge(nav, session);
  mountTicketSearch($('#search-slot'));
  $('#role-line').textContent = t(`home:role.${session.user.role}`);
  for (const item of document.querySelectorAll<HTMLElement>('#pages [data-for]')) {
    item.hidden = !(item.dataset['for'] ?? '').split(' ').includes(session.user.role);
  }
  await load(session.user);
}

start().catch((err: unknown) => {
  if (err instanceof SignedOut) return;
  status.textContent = errorText(err);
});
