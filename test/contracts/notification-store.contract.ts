import { expect } from 'chai';

import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationRecord } from '../../server/notifications/notification.js';
import type { OutboxMessage } from '../../server/outbox/outbox-message.js';
import { isoAt, makeInstance, makeOutboxMessage, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

let sequence = 0;

function makeNotification(overrides: Partial<NotificationRecord> = {}): NotificationRecord {
  sequence += 1;
  return {
    id: `note-${sequence}`,
    username: 'ada',
    kind: 'assigned',
    instanceId: null,
    ticketNumber: 'HD-000001',
    taskId: `task-${sequence}`,
    data: { taskName: 'Resolve (L1)', by: 'bob' },
    dedupeKey: `assigned:task-${sequence}`,
    browser: true,
    createdAt: isoAt(sequence),
    readAt: null,
    ...overrides,
  };
}

export function notificationStoreContract(open: OpenStore, close: CloseStore): void {
  describe('PreferenceStore contract', () => {
    const store = useFreshStore(open, close);

    it('has nothing for a user who never saved, then reads back what was put, replaced in place', async () => {
      expect(await store().preferences.get('ada')).to.equal(null);
      const first = { username: 'ada', lang: 'ru' as const, email: 'ada@example.org', notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS), updatedAt: isoAt(1) };
      await store().preferences.put(first);
      expect(await store().preferences.get('ada')).to.deep.equal(first);
      const second = { ...first, lang: null, email: null, notifications: { ...first.notifications, queue: { browser: false, email: true } }, updatedAt: isoAt(2) };
      await store().preferences.put(second);
      expect(await store().preferences.get('ada')).to.deep.equal(second);
      expect(await store().preferences.get('bob')).to.equal(null);
    });
  });

  describe('NotificationStore contract', () => {
    const store = useFreshStore(open, close);

    it('adds notifications once per user and key, with their emails, and lists the browser ones newest first', async () => {
      // given an instance (emails belong to one) and three notifications, one not for the browser
      const instance = await startInstance(store(), makeInstance());
      const a = makeNotification({ instanceId: instance.id });
      const b = makeNotification({ instanceId: instance.id });
      const hidden = makeNotification({ instanceId: instance.id, browser: false });
      const emails = new Map<string, OutboxMessage>([[a.id, makeOutboxMessage(instance, { idempotencyKey: `notify:${a.id}` })]]);
      // when they are added, and then again (a retried step)
      expect(await store().notifications.add([a, b, hidden], emails)).to.deep.equal([a, b, hidden]);
      const again = makeNotification({ dedupeKey: a.dedupeKey, instanceId: instance.id });
      const emailsAgain = new Map([[again.id, makeOutboxMessage(instance, { idempotencyKey: `notify:${again.id}` })]]);
      expect(await store().notifications.add([again], emailsAgain)).to.deep.equal([]);
      // then each is stored once, the email of the first only
      expect(await store().notifications.list('ada', { limit: 10 })).to.deep.equal([b, a]);
      expect((await store().outbox.forInstance(instance.id)).map((mail) => mail.idempotencyKey)).to.deep.equal([`notify:${a.id}`]);
      expect(await store().notifications.unreadCount('ada')).to.equal(2);
      // and another user's list is theirs alone; paging goes back in time
      expect(await store().notifications.list('bob', { limit: 10 })).to.deep.equal([]);
      expect(await store().notifications.list('ada', { limit: 1, before: b.createdAt })).to.deep.equal([a]);
      // the same key for another user is another notification
      expect(await store().notifications.add([makeNotification({ username: 'bob', dedupeKey: a.dedupeKey })], new Map())).to.have.length(1);
    });

    it("marks one, then all, of a user's own notifications read, and never another user's", async () => {
      const [a, b] = [makeNotification(), makeNotification()];
      const bobs = makeNotification({ username: 'bob' });
      await store().notifications.add([a, b, bobs], new Map());
      expect(await store().notifications.markRead('ada', [a.id, bobs.id, 'unknown'], isoAt(50))).to.equal(1);
      expect(await store().notifications.unreadCount('ada')).to.equal(1);
      expect((await store().notifications.list('ada', { limit: 10 })).find((n) => n.id === a.id)?.readAt).to.equal(isoAt(50));
      expect(await store().notifications.markRead('ada', null, isoAt(51))).to.equal(1);
      expect(await store().notifications.markRead('ada', null, isoAt(52))).to.equal(0);
      expect(await store().notifications.unreadCount('ada')).to.equal(0);
      expect(await store().notifications.unreadCount('bob')).to.equal(1);
    });
  });
}
