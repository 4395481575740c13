import type { Logger } from 'pino';

import type { LiveHub } from '../live/live-hub.js';
import { rooms } from '../live/live-events.js';
import { notificationView, type NotificationRecord } from './notification.js';
import type { NotificationService } from './notification.service.js';
import type { NotificationStore } from './notification.store.js';

/**
 * Pushes notifications to their recipient's sockets on the live inbox namespace (room
 * `user:<username>`), so the badge of every page the person has open updates at once.
 */
export class NotificationHub {
  private readonly onAdded = (added: NotificationRecord[]) => void this.push(added);
  private readonly onRead = ({ username, unread }: { username: string; unread: number }) => {
    this.live.inbox.to(rooms.user(username)).emit('notification:read', { unread });
  };

  constructor(
    private readonly live: LiveHub,
    private readonly service: NotificationService,
    private readonly store: NotificationStore,
    private readonly logger: Logger,
  ) {
    service.events.on('added', this.onAdded);
    service.events.on('read', this.onRead);
  }

  close(): void {
    this.service.events.off('added', this.onAdded);
    this.service.events.off('read', this.onRead);
  }

  private async push(added: NotificationRecord[]): Promise<void> {
    try {
      for (const record of added) {
        if (!record.browser) continue;
        const unread = await this.store.unreadCount(record.username);
        this.live.inbox.to(rooms.user(record.username)).emit('notification:new', { notification: notificationView(record), unread });
      }
    } catch (err) {
      this.logger.warn({ err }, 'notifications could not be pushed live');
    }
  }
}
