import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import { translator, langOr, type Lang } from '../i18n/i18n.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import { defaultPreferences } from '../users/preference.js';
import type { PreferenceStore } from '../users/preference.store.js';
import type { UserStore } from '../users/user.store.js';
import type { NotificationData, NotificationKind, NotificationRecord } from './notification.js';
import type { NotificationStore } from './notification.store.js';
import { notificationText } from './notification-text.js';

export interface NotifyRequest {
  instanceId: string;
  ticketNumber: string;
  taskId?: string | null;
  /** Who to tell: these people; else the enabled members of `department`. */
  users?: string[];
  department?: string | null;
  /** Values of the text (`taskName`, `department`, `due` as ISO time...). */
  data?: NotificationData;
  /** A person is told once per key (a retried step, a sweep run twice). */
  dedupeKey: string;
  /** Not told: the person whose action it was. */
  except?: string | null;
}

interface NotificationEvents {
  added: [NotificationRecord[]];
  read: [{ username: string; unread: number }];
}

/**
 * Tells staff what concerns their work: stores a notification per person (the browser list),
 * queues an email in their language when they want one, and emits `added` for the live hub.
 * `notify(kind, …)` is the one entry point: the step watcher, the SLA sweep, the `notify`
 * connector and other features (the customer's reply) call it.
 */
export class NotificationService {
  readonly events = new EventEmitter<NotificationEvents>();

  constructor(
    private readonly deps: {
      notifications: NotificationStore;
      preferences: PreferenceStore;
      users: UserStore;
      tasks: TaskStore;
      clock: Clock;
      logger: Logger;
      /** Links in emails: `${publicUrl}/tickets/<ticket number>`. */
      publicUrl: string;
    },
  ) {}

  async notify(kind: NotificationKind, request: NotifyRequest): Promise<NotificationRecord[]> {
    const now = this.deps.clock.now().toISOString();
    const records: NotificationRecord[] = [];
    const emails = new Map<string, OutboxMessage>();
    for (const username of await this.recipients(request)) {
      const preferences = (await this.deps.preferences.get(username)) ?? defaultPreferences(username);
      const channels = preferences.notifications[kind];
      if (!channels.browser && !channels.email) continue;
      const record: NotificationRecord = {
        id: randomUUID(),
        username,
        kind,
        instanceId: request.instanceId,
        ticketNumber: request.ticketNumber,
        taskId: request.taskId ?? null,
        data: request.data ?? {},
        dedupeKey: request.dedupeKey,
        browser: channels.browser,
        createdAt: now,
        readAt: null,
      };
      records.push(record);
      if (channels.email && preferences.email) emails.set(record.id, this.email(record, request.instanceId, preferences.email, langOr(preferences.lang), now));
    }
    if (records.length === 0) return [];
    const added = await this.deps.notifications.add(records, emails);
    if (added.length) this.events.emit('added', added);
    return added;
  }

  /**
   * Tells whoever holds the instance's open user tasks (the owner, else the task's queue): a
   * customer's reply, an SLA warning drawn in the diagram. `elementId` narrows to one task.
   */
  async notifyTaskHolders(
    kind: NotificationKind,
    request: { instanceId: string; elementId?: string | null; dedupeKey: (task: TaskRecord) => string; data?: NotificationData },
  ): Promise<NotificationRecord[]> {
    const open = await this.deps.tasks.list({ instanceId: request.instanceId, status: 'open' });
    const added: NotificationRecord[] = [];
    for (const task of open) {
      if (request.elementId && task.elementId !== request.elementId) continue;
      added.push(...(await this.notify(kind, { ...taskTarget(task), data: { ...taskData(task), ...request.data }, dedupeKey: request.dedupeKey(task) })));
    }
    return added;
  }

  async list(username: string, options: { limit: number; before?: string }): Promise<{ unread: number; items: NotificationRecord[] }> {
    const [unread, items] = await Promise.all([this.deps.notifications.unreadCount(username), this.deps.notifications.list(username, options)]);
    return { unread, items };
  }

  async markRead(username: string, ids: string[] | null): Promise<{ unread: number }> {
    await this.deps.notifications.markRead(username, ids, this.deps.clock.now().toISOString());
    const unread = await this.deps.notifications.unreadCount(username);
    this.events.emit('read', { username, unread });
    return { unread };
  }

  private async recipients(request: NotifyRequest): Promise<string[]> {
    let names: string[];
    if (request.users?.length) {
      const users = await Promise.all(request.users.map((username) => this.deps.users.getByUsername(username)));
      names = users.flatMap((user) => (user !== null && !user.disabled ? [user.username] : []));
    } else if (request.department) {
      names = (await this.deps.users.inDepartment(request.department)).map((user) => user.username);
    } else {
      names = [];
    }
    return [...new Set(names)].filter((name) => name !== request.except);
  }

  private email(record: NotificationRecord, instanceId: string, to: string, lang: Lang, now: string): OutboxMessage {
    const t = translator(lang);
    const time = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    const text = notificationText(record, t, (iso) => `${time.format(new Date(iso))} UTC`);
    const link = `${this.deps.publicUrl}/tickets/${encodeURIComponent(record.ticketNumber ?? '')}`;
    return {
      id: randomUUID(),
      instanceId,
      idempotencyKey: `notification:${record.username}:${record.dedupeKey}`,
      channel: 'email',
      payload: { to, subject: t('notifications:mail.subject', { text }), body: t('notifications:mail.body', { text, link }) },
      createdAt: now,
      sentAt: null,
      attempts: 0,
      lastError: null,
    };
  }
}

/** Who holds a task: its owner, else its queue. */
export function taskTarget(task: TaskRecord): Pick<NotifyRequest, 'instanceId' | 'ticketNumber' | 'taskId' | 'users' | 'department'> {
  return {
    instanceId: task.instanceId,
    ticketNumber: task.ticketNumber,
    taskId: task.id,
    ...(task.assignee ? { users: [task.assignee] } : { department: task.department }),
  };
}

export function taskData(task: TaskRecord): NotificationData {
  return { taskName: task.name, department: task.department, due: task.dueAt };
}
