import { EventEmitter } from 'node:events';

import { toJobId, type AgendaBackend, type JobNotification, type JobParameters, type NotificationChannel, type NotificationChannelState, type NotificationHandler } from 'agenda';
import pg from 'pg';

import { query } from './pg-pool.js';
import { PgJobRepository } from './pg-job.repository.js';

interface WireNotification {
  jobId: string;
  jobName: string;
  nextRunAt: number | null;
  priority: number;
  timestamp: number;
  source?: string;
}

/**
 * agenda's notification channel on PostgreSQL LISTEN/NOTIFY: a job saved or committed on any node
 * reaches every node's job processor at once instead of at its next poll. It is only a shortcut:
 * a notification lost while a node reconnects is made up by the poll (processEvery).
 * One listening connection per node, outside the pool (LISTEN is per session).
 */
export class PgNotificationChannel extends EventEmitter implements NotificationChannel {
  private currentState: NotificationChannelState = 'disconnected';
  private readonly handlers = new Set<NotificationHandler>();
  private listener: pg.Client | null = null;
  private closing = false;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    /** Per schema, so stores in other schemas of the same database do not wake this one. */
    private readonly channel: string,
  ) {
    super();
  }

  get state(): NotificationChannelState {
    return this.currentState;
  }

  async connect(): Promise<void> {
    if (this.listener) return;
    this.closing = false;
    this.setState(this.attempts > 0 ? 'reconnecting' : 'connecting');
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 5000 });
    client.on('notification', (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      const notification = parse(message.payload);
      if (notification) void this.deliver(notification);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.reconnectLater();
      throw err;
    }
    if (this.closing) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.attempts = 0;
    this.setState('connected');
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.listener;
    this.listener = null;
    this.handlers.clear();
    if (client) await client.end().catch(() => undefined);
    this.setState('disconnected');
  }

  subscribe(handler: NotificationHandler): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  /** Through the pool: NOTIFY reaches every listener of the channel, this node's included. */
  async publish(notification: JobNotification): Promise<void> {
    const wire: WireNotification = {
      jobId: String(notification.jobId),
      jobName: notification.jobName,
      nextRunAt: notification.nextRunAt ? notification.nextRunAt.getTime() : null,
      priority: notification.priority,
      timestamp: notification.timestamp.getTime(),
      ...(notification.source === undefined ? {} : { source: notification.source }),
    };
    await query(this.pool, 'SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(wire)]);
  }

  private async deliver(notification: JobNotification): Promise<void> {
    // A copy: a handler may unsubscribe while we iterate; one failing handler must not skip the others.
    await Promise.allSettled([...this.handlers].map(async (handler) => handler(notification)));
  }

  private lost(client: pg.Client, _err: Error): void {
    if (this.listener !== client) return;
    this.listener = null;
    void client.end().catch(() => undefined);
    this.reconnectLater();
  }

  /** Backs off up to 10 s; the poll covers the gap, so this never gives up and never throws. */
  private reconnectLater(): void {
    if (this.closing || this.retry) return;
    this.setState('reconnecting');
    const delay = Math.min(500 * 2 ** this.attempts, 10_000);
    this.attempts += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch(() => undefined);
    }, delay);
    this.retry.unref();
  }

  private setState(state: NotificationChannelState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('stateChange', state);
  }
}

function parse(payload: string): JobNotification | null {
  try {
    const wire = JSON.parse(payload) as WireNotification;
    if (typeof wire.jobId !== 'string' || typeof wire.jobName !== 'string') return null;
    return {
      jobId: toJobId(wire.jobId),
      jobName: wire.jobName,
      nextRunAt: wire.nextRunAt === null ? null : new Date(wire.nextRunAt),
      priority: wire.priority,
      timestamp: new Date(wire.timestamp),
      ...(wire.source === undefined ? {} : { source: wire.source }),
    };
  } catch {
    return null;
  }
}

/**
 * agenda backend on Baton's PostgreSQL store. The store owns the pool, so agenda's stop never
 * closes it (ownsConnection false); the listening connection is the channel's own.
 */
export class PgAgendaBackend implements AgendaBackend {
  readonly name = 'PostgreSQL';
  readonly ownsConnection = false;
  readonly repository: PgJobRepository;
  readonly notificationChannel: PgNotificationChannel;

  constructor(pool: pg.Pool, connectionString: string, channel: string) {
    this.repository = new PgJobRepository(pool);
    this.notificationChannel = new PgNotificationChannel(pool, connectionString, channel);
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  async disconnect(): Promise<void> {
    await this.notificationChannel.disconnect();
  }

  /** Tells every node's agenda about a job Baton committed; never rejects (a missed notification only delays the job). */
  async notify(job: Pick<JobParameters, '_id' | 'name' | 'nextRunAt' | 'priority'>): Promise<void> {
    if (!job._id) return;
    await this.notificationChannel.publish({ jobId: job._id, jobName: job.name, nextRunAt: job.nextRunAt, priority: job.priority, timestamp: new Date(), source: 'baton' }).catch(() => undefined);
  }
}
