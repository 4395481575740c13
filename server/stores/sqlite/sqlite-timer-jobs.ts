import type Database from 'better-sqlite3';
import { toJobId } from 'agenda';

import { jobRefParameters, NEXT_TO_RUN_ORDER, toClaimed, type ClaimedJobRow } from '../agenda-jobs.js';
import { TIMER_JOB, type ClaimedTimer, type JobRef, type TimerClaim, type TimerJobs, type TimerRelease } from '../../timers/timer-jobs.js';
import type { SqliteAgendaBackend } from './sqlite-agenda-backend.js';

export class SqliteTimerJobs implements TimerJobs {
  private readonly claim: Database.Transaction<(claim: TimerClaim) => ClaimedJobRow[]>;
  private readonly renew: Database.Statement<[number, string, number], { id: string }>;
  private readonly release: Database.Statement<[string, number]>;
  private readonly nextDue: Database.Statement<[string], { at: number }>;

  constructor(
    readonly backend: SqliteAgendaBackend,
    db: Database.Database,
  ) {
    // Locks taken over from a dead node first (they are the oldest), then due unlocked ones: each
    // a range scan of agenda_jobs_next_to_run that stops at `limit` rows, so a claim costs the
    // batch, not the number pending. A lock's next run may be null (agenda's way while a job of an
    // older node ran), which the due check lets through.
    const claimed = db.prepare<[Record<string, string | number>], ClaimedJobRow>(
      `UPDATE agenda_jobs SET locked_at = @now, last_modified_by = @owner
       WHERE id IN (
         SELECT id FROM (
           SELECT * FROM (
             SELECT id, next_run_at, priority FROM agenda_jobs
             WHERE name = @name AND disabled = 0 AND locked_at <= @deadline AND (next_run_at IS NULL OR next_run_at <= @now)
             ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT @limit)
           UNION ALL
           SELECT * FROM (
             SELECT id, next_run_at, priority FROM agenda_jobs
             WHERE name = @name AND disabled = 0 AND locked_at IS NULL AND next_run_at <= @now
             ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT @limit))
         ORDER BY next_run_at ASC NULLS FIRST, priority DESC
         LIMIT @limit)
       RETURNING id, instance_id, generation, next_run_at, json_extract(data, '$.dueMs') AS due_ms`,
    );
    // IMMEDIATE takes the write lock before the statement reads, so two connections (two
    // processes on the file) cannot both pick a row; a busy writer is waited for (busy_timeout).
    this.claim = db.transaction((claim: TimerClaim) => claimed.all({ name: TIMER_JOB, now: claim.now, deadline: claim.lockDeadline, limit: claim.limit, owner: claim.owner }));
    this.renew = db.prepare('UPDATE agenda_jobs SET locked_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND locked_at = ? RETURNING id');
    this.release = db.prepare(
      `UPDATE agenda_jobs SET locked_at = NULL,
         next_run_at = CASE WHEN agenda_jobs.generation = claimed.generation AND claimed.retry_at IS NOT NULL
                            THEN claimed.retry_at ELSE agenda_jobs.next_run_at END
       FROM (SELECT value ->> '$.id' AS id, value ->> '$.generation' AS generation, value ->> '$.retryAt' AS retry_at
             FROM json_each(?)) AS claimed
       WHERE agenda_jobs.id = claimed.id AND agenda_jobs.locked_at = ?`,
    );
    this.nextDue = db.prepare(
      `SELECT next_run_at AS at FROM agenda_jobs
       WHERE name = ? AND disabled = 0 AND locked_at IS NULL AND next_run_at IS NOT NULL
       ORDER BY next_run_at LIMIT 1`,
    );
  }

  async notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.backend.notify({ _id: toJobId(job.id), name: job.name, nextRunAt: job.dueAt, priority: 0 })));
  }

  onNotified(handler: (job: { name: string; dueAt: Date | null }) => void): () => void {
    return this.backend.notificationChannel.subscribe((notification) => handler({ name: notification.jobName, dueAt: notification.nextRunAt ?? null }));
  }

  async isCurrent(job: JobRef): Promise<boolean> {
    return this.backend.repository.isCurrentSync(jobRefParameters(job));
  }

  async claimDue(claim: TimerClaim): Promise<ClaimedTimer[]> {
    return this.claim
      .immediate(claim)
      .map(toClaimed)
      .sort((a, b) => a.dueMs - b.dueMs);
  }

  async renewClaims(ids: readonly string[], heldAt: number, now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    return this.renew.all(now, JSON.stringify(ids), heldAt).map((row) => row.id);
  }

  async releaseClaims(releases: readonly TimerRelease[], heldAt: number): Promise<void> {
    if (releases.length > 0) this.release.run(JSON.stringify(releases), heldAt);
  }

  async nextDueAt(): Promise<number | null> {
    return this.nextDue.get(TIMER_JOB)?.at ?? null;
  }
}
