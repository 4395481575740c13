/**
 * The notifications bell for any signed-in page: `mountNotifications(container)` adds a button
 * with the unread count, a list (newest first; a click opens the ticket and marks it read),
 * "mark all read", and the person's settings (which kinds, in the browser and/or by email, and
 * the address). The count and the list follow `notification:new` / `notification:read` on the
 * live inbox namespace (room `user:<name>`), so every open page of the person agrees; on every
 * (re)connect the list is read again from `GET /api/notifications`.
 */
import './notifications.css';

import { io, type Socket } from 'socket.io-client';

import { INBOX_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../../../server/live/live-events.js';
import { NOTIFICATION_KINDS, type NotificationKind, type NotificationView } from '../../../server/notifications/notification.js';
import { notificationText } from '../../../server/notifications/notification-text.js';
import { accountApi } from './account.js';
import { json } from './api.js';
import { el, errorText } from './dom.js';
import { formatDateTime, t } from './i18n.js';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface NotificationsWidget {
  /** How many are unread, as shown. */
  unread(): number;
  close(): void;
}

/** Mounts the bell into `container`; pass the page's own live socket to share it (the inbox). */
export function mountNotifications(container: HTMLElement, options: { socket?: LiveSocket } = {}): NotificationsWidget {
  const root = el('span', { className: 'baton-notifications' });
  const count = el('span', { className: 'count' });
  const bell = el('button', { className: 'bell', text: '🔔' }, count);
  bell.type = 'button';
  bell.setAttribute('aria-haspopup', 'true');
  bell.setAttribute('aria-expanded', 'false');
  const list = el('ul');
  const message = el('p', { className: 'muted' });
  const markAll = el('button', { text: t('notifications:markAllRead') });
  const settingsButton = el('button', { text: t('notifications:settings') });
  const settings = el('form');
  settings.hidden = true;
  const panel = el('div', { className: 'panel' }, el('div', { className: 'panel-head' }, el('h2', { text: t('notifications:title') }), markAll, settingsButton), message, list, settings);
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', t('notifications:title'));
  root.append(bell, panel);
  container.append(root);

  let unread = 0;
  let items: NotificationView[] = [];

  const showCount = () => {
    count.textContent = unread > 99 ? '99+' : String(unread);
    count.hidden = unread === 0;
    root.dataset['unread'] = String(unread);
    bell.setAttribute('aria-label', t('notifications:open', { count: unread }));
    bell.title = t('notifications:open', { count: unread });
  };

  const render = () => {
    list.replaceChildren(...items.map(item));
    message.textContent = items.length ? '' : t('notifications:empty');
    message.hidden = items.length > 0;
    markAll.disabled = unread === 0;
  };

  const item = (notification: NotificationView): HTMLLIElement => {
    const text = notificationText(notification, t, (iso) => formatDateTime(iso));
    const time = el('time', { text: formatDateTime(notification.createdAt) });
    time.dateTime = notification.createdAt;
    const link = el('a', { text }, time);
    link.href = notification.ticketNumber ? `/tickets/${encodeURIComponent(notification.ticketNumber)}` : '#';
    link.addEventListener('click', () => {
      if (!notification.readAt) void json('POST', '/api/notifications/read', { json: { ids: [notification.id] } }).catch(() => undefined);
    });
    return el('li', { className: notification.readAt ? '' : 'unread', data: { kind: notification.kind, notification: notification.id } }, link);
  };

  const load = async () => {
    try {
      const answer = await json<{ unread: number; items: NotificationView[] }>('GET', '/api/notifications?limit=30');
      unread = answer.unread;
      items = answer.items;
      showCount();
      render();
    } catch (err) {
      message.hidden = false;
      message.textContent = t('notifications:failed', { message: errorText(err) });
    }
  };

  bell.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    bell.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) void load();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !panel.hidden) {
      panel.hidden = true;
      bell.setAttribute('aria-expanded', 'false');
      bell.focus();
    }
  });
  markAll.addEventListener('click', () => {
    void json<{ unread: number }>('POST', '/api/notifications/read', { json: {} }).then((answer) => {
      unread = answer.unread;
      const now = new Date().toISOString();
      items = items.map((notification) => ({ ...notification, readAt: notification.readAt ?? now }));
      showCount();
      render();
    });
  });
  settingsButton.addEventListener('click', () => {
    settings.hidden = !settings.hidden;
    if (!settings.hidden) void fillSettings(settings);
  });

  const socket: LiveSocket = options.socket ?? io(INBOX_NAMESPACE, { withCredentials: true, reconnectionDelay: 1000, reconnectionDelayMax: 10_000, transports: ['websocket'] });
  socket.on('connect', () => void load());
  socket.on('notification:new', ({ notification, unread: now }) => {
    unread = now;
    items = [notification, ...items.filter((other) => other.id !== notification.id)].slice(0, 30);
    showCount();
    render();
  });
  socket.on('notification:read', ({ unread: now }) => {
    unread = now;
    showCount();
    if (!panel.hidden) void load();
  });
  showCount();
  void load();

  return {
    unread: () => unread,
    close: () => {
      if (!options.socket) socket.disconnect();
      root.remove();
    },
  };
}

/** The settings form: a row per kind with "in the browser" and "by email", and the address. */
async function fillSettings(form: HTMLFormElement): Promise<void> {
  const status = el('p', { className: 'muted' });
  form.replaceChildren(status);
  let current;
  try {
    current = await accountApi.get();
  } catch (err) {
    status.textContent = t('notifications:failed', { message: errorText(err) });
    return;
  }
  const box = (kind: NotificationKind, channel: 'browser' | 'email') => {
    const input = el('input');
    input.type = 'checkbox';
    input.name = `${kind}.${channel}`;
    input.checked = current.notifications[kind][channel];
    input.setAttribute('aria-label', `${t(`notifications:kindName.${kind}`)}: ${t(`notifications:${channel}`)}`);
    return input;
  };
  const table = el(
    'table',
    {},
    el('thead', {}, el('tr', {}, el('th', { text: t('notifications:settingsTitle') }), el('th', { text: t('notifications:browser') }), el('th', { text: t('notifications:email') }))),
    el('tbody', {}, ...NOTIFICATION_KINDS.map((kind) => el('tr', {}, el('td', { text: t(`notifications:kindName.${kind}`) }), el('td', {}, box(kind, 'browser')), el('td', {}, box(kind, 'email'))))),
  );
  const email = el('input');
  email.type = 'email';
  email.name = 'email';
  email.value = current.email ?? '';
  email.autocomplete = 'email';
  const emailLabel = el('label', { text: t('notifications:emailAddress') });
  email.id = 'baton-notification-email';
  emailLabel.htmlFor = email.id;
  const save = el('button', { text: t('notifications:save') });
  save.type = 'submit';
  form.replaceChildren(table, emailLabel, email, save, status);
  form.onsubmit = (event) => {
    event.preventDefault();
    const notifications = Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, { browser: checked(form, `${kind}.browser`), email: checked(form, `${kind}.email`) }]));
    save.disabled = true;
    accountApi
      .update({ notifications, email: email.value.trim() || null })
      .then(() => {
        status.textContent = t('notifications:saved');
      })
      .catch((err: unknown) => {
        status.textContent = errorText(err);
      })
      .finally(() => {
        save.disabled = false;
      });
  };
}

function checked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.checked ?? false;
}
