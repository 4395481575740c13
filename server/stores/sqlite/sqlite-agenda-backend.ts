import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { AgendaBackend, JobNotification, JobParameters, NotificationChannel, NotificationChannelState, NotificationHandler, StateNotificationHandler, JobStateNotification } from 'agenda';
import { SqliteJobRepository } from './sqlite-job.repository.js';

/**
 * Notifications inside one process: a job saved through agenda (or committed by Baton and passed
 * to notify) reaches this process's job processor at once instead of at the next poll. Other
 * processes on the same file still find the job by polling, which is the correctness path; this is
 * only a shortcut.
 */
export class SqliteNotificationChannel extends EventEmitter implements NotificationChannel {
  private currentState: NotificationChannelState = 'disconnected';
  private readonly handlers = new Set<NotificationHandler>();
  private readonly stateHandlers = new Set<StateNotificationHandler>();

  get state(): NotificationChannelState {
    return this.currentState;
  }

  async connect(): Promise<void> {
    this.setState('connected');
  }

  /** agenda disconnects the channel on stop/drain; handlers go with it, as its own channels do. */
  async disconnect(): Promise<void> {
    this.handlers.clear();
    this.stateHandlers.clear();
    this.setState('disconnected');
  }

  subscribe(handler: NotificationHandler): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  subscribeState(handler: StateNotificationHandler): () => void {
    this.stateHandlers.add(handler);
    return () => {
      this.stateHandlers.delete(handler);
    };
  }

  /** Dropped while disconnected: nobody is listening, and the poll finds the job anyway. */
  async publish(notification: JobNotification): Promise<void> {
    if (this.currentState === 'connected') await this.deliver(this.handlers, notification);
  }

  async publishState(notification: JobStateNotification): Promise<void> {
    if (this.currentState === 'connected') await this.deliver(this.stateHandlers, notification);
  }

  private async deliver<T>(handlers: ReadonlySet<(notification: T) => void | Promise<void>>, notification: T): Promise<void> {
    const results = await Promise.allSettled(
      // A copy: a handler may unsubscribe while we iterate. The async wrapper turns a handler's
      // synchronous throw into a rejection so one failing handler does not skip the others.
      [...handlers].map(async (handler) => handler(notification)),
    );
    for (const result of results) {
      if (result.status === 'rejected') this.reportError(result.reason);
    }
  }

  private reportError(reason: unknown): void {
    // An 'error' event without a listener throws; agenda attaches none to the channel, and a
    // failed shortcut must not take the process down.
    if (this.listenerCount('error') === 0) return;
    this.emit('error', reason instanceof Error ? reason : new Error(String(reason)));
  }

  private setState(state: NotificationChannelState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('stateChange', state);
  }
}

/**
 * agenda backend on Baton's SQLite store: `new Agenda({ backend: new SqliteAgendaBackend(store.db) })`.
 * The store owns the connection, so agenda's stop/drain never close it (ownsConnection false).
 */
export class SqliteAgendaBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly ownsConnection = false;
  readonly repository: SqliteJobRepository;
  readonly notificationChannel = new SqliteNotificationChannel();

  constructor(db: Database.Database, options: { now?: () => Date } = {}) {
    this.repository = new SqliteJobRepository(db, options.now);
  }

  async connect(): Promise<void> {
    await this.repository.connect();
  }

  /** agenda calls this only when told to close the connection; the database stays open. */
  async disconnect(): Promise<void> {
    await this.notificationChannel.disconnect();
  }

  /**
   * Tells this process's agenda about a job Baton committed with upsertJobSync, so it runs without
   * waiting for the next poll. Call it after the commit (before, the job processor could look for
   * the row before it is visible). Never rejects: a missed notification only delays the job.
   */
  async notify(job: Pick<JobParameters, '_id' | 'name' | 'nextRunAt' | 'priority'>): Promise<void> {
    if (!job._id) return;
    await this.notificationChannel.publish({
      jobId: job._id,
      jobName: job.name,
      nextRunAt: job.nextRunAt,
      priority: job.priority,
      timestamp: new Date(),
      source: 'baton',
    });
  }
}
