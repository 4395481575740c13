import { toJobId } from 'agenda';
import type pg from 'pg';

import { jobRefParameters, NEXT_TO_RUN_ORDER, toClaimed, type ClaimedJobRow } from '../agenda-jobs.js';
import { TIMER_JOB, type ClaimedTimer, type JobRef, type TimerClaim, type TimerJobs, type TimerRelease } from '../../timers/timer-jobs.js';
import type { PgAgendaBackend } from './pg-agenda-backend.js';
import { query } from './pg-pool.js';

type ClaimedRow = ClaimedJobRow & Record<string, unknown>;

export class PgTimerJobs implements TimerJobs {
  constructor(
    readonly backend: PgAgendaBackend,
    private readonly pool: pg.Pool,
  ) {}

  async notify(jobs: { id: string; name: string; dueAt: Date }[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.backend.notify({ _id: toJobId(job.id), name: job.name, nextRunAt: job.dueAt, priority: 0 })));
  }

  onNotified(handler: (job: { name: string; dueAt: Date | null }) => void): () => void {
    return this.backend.notificationChannel.subscribe((notification) => handler({ name: notification.jobName, dueAt: notification.nextRunAt ?? null }));
  }

  async isCurrent(job: JobRef): Promise<boolean> {
    return this.backend.repository.isCurrent(jobRefParameters(job));
  }

  /**
   * Locks taken over from a dead node (the oldest) and due unlocked jobs, each a range scan of
   * agenda_jobs_next_to_run stopping at `limit` rows; SKIP LOCKED passes over rows another node is
   * claiming (or a step is rewriting) right now, so two nodes claiming at once split the due jobs.
   * A lock's next run may be null (agenda's way while a job of an older node ran).
   */
  async claimDue(claim: TimerClaim): Promise<ClaimedTimer[]> {
    const result = await query<ClaimedRow>(this.pool, {
      name: 'baton.timers.claim',
      text: `WITH expired AS (
               SELECT id, next_run_at, priority FROM agenda_jobs
               WHERE name = $1 AND disabled = 0 AND locked_at <= $3 AND (next_run_at IS NULL OR next_run_at <= $2)
               ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT $4 FOR UPDATE SKIP LOCKED
             ), due AS (
               SELECT id, next_run_at, priority FROM agenda_jobs
               WHERE name = $1 AND disabled = 0 AND locked_at IS NULL AND next_run_at <= $2
               ORDER BY ${NEXT_TO_RUN_ORDER} LIMIT $4 FOR UPDATE SKIP LOCKED
             ), picked AS (
               SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) candidates
               ORDER BY next_run_at ASC NULLS FIRST, priority DESC LIMIT $4
             )
             UPDATE agenda_jobs SET locked_at = $2, last_modified_by = $5
             FROM picked WHERE agenda_jobs.id = picked.id
             RETURNING agenda_jobs.id, agenda_jobs.instance_id, agenda_jobs.generation, agenda_jobs.next_run_at,
                       (agenda_jobs.data ->> 'dueMs')::bigint AS due_ms`,
      values: [TIMER_JOB, claim.now, claim.lockDeadline, claim.limit, claim.owner],
    });
    return result.rows.map(toClaimed).sort((a, b) => a.dueMs - b.dueMs);
  }

  async renewClaims(ids: readonly string[], heldAt: number, now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const result = await query<{ id: string }>(this.pool, {
      name: 'baton.timers.renew',
      text: 'UPDATE agenda_jobs SET locked_at = $1 WHERE id = ANY($2::text[]) AND locked_at = $3 RETURNING id',
      values: [now, ids, heldAt],
    });
    return result.rows.map((row) => row.id);
  }

  async releaseClaims(releases: readonly TimerRelease[], heldAt: number): Promise<void> {
    if (releases.length === 0) return;
    await query(this.pool, {
      name: 'baton.timers.release',
      text: `UPDATE agenda_jobs SET locked_at = NULL,
               next_run_at = CASE WHEN agenda_jobs.generation = claimed.generation AND claimed.retry_at IS NOT NULL
                                  THEN claimed.retry_at ELSE agenda_jobs.next_run_at END
             FROM unnest($1::text[], $2::text[], $3::bigint[]) AS claimed(id, generation, retry_at)
             WHERE agenda_jobs.id = claimed.id AND agenda_jobs.locked_at = $4`,
      values: [releases.map((r) => r.id), releases.map((r) => r.generation), releases.map((r) => r.retryAt), heldAt],
    });
  }

  async nextDueAt(): Promise<number | null> {
    const result = await query<{ at: number }>(this.pool, {
      name: 'baton.timers.nextDue',
      text: `SELECT next_run_at AS at FROM agenda_jobs
             WHERE name = $1 AND disabled = 0 AND locked_at IS NULL AND next_run_at IS NOT NULL
             ORDER BY next_run_at LIMIT 1`,
      values: [TIMER_JOB],
    });
    return result.rows[0]?.at ?? null;
  }
}
