/**
 * The live part of /status/<token>. The page is complete without JavaScript (rendered by the
 * server); this script joins the ticket's room on the read-only `/status` namespace and, whenever
 * the ticket moves, fetches the page again and swaps its content in. Events are hints: it also
 * refreshes on every (re)connect, so nothing is missed across a disconnect.
 */
import { io, type Socket } from 'socket.io-client';

import { STATUS_NAMESPACE, type StatusServerEvents } from '../../../server/customer/status-view.js';

const token = decodeURIComponent(location.pathname.split('/')[2] ?? '');

/** The server writes times in UTC; the reader sees them in their own time zone and language. */
function localTimes(root: ParentNode): void {
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
  for (const time of root.querySelectorAll<HTMLTimeElement>('time[data-local]')) {
    const date = new Date(time.dateTime);
    if (!Number.isNaN(date.getTime())) time.textContent = format.format(date);
  }
}

localTimes(document);

async function refresh(): Promise<void> {
  const current = document.querySelector('#status');
  // Someone typing an answer keeps their page: it refreshes after they send it.
  if (!current || (document.activeElement && current.querySelector('form')?.contains(document.activeElement))) return;
  const response = await fetch(location.pathname, { headers: { accept: 'text/html' }, cache: 'no-store' });
  if (!response.ok) return;
  const next = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('#status');
  if (next && (next.getAttribute('data-updated') !== current.getAttribute('data-updated') || next.getAttribute('data-messages') !== current.getAttribute('data-messages'))) {
    localTimes(next);
    current.replaceWith(next);
  }
}

const socket: Socket<StatusServerEvents> = io(STATUS_NAMESPACE, { auth: { token }, transports: ['websocket'] });
socket.on('connect', () => {
  document.body.dataset['live'] = 'connected';
  void refresh();
});
socket.on('disconnect', () => {
  document.body.dataset['live'] = 'disconnected';
});
socket.on('status:changed', () => void refresh());
