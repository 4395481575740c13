import type Database from 'better-sqlite3';

import type {
  ActionFact,
  ActivityFacts,
  ActivityTaskFact,
  AnalyticsStore,
  ElementCount,
  FeedbackFact,
  MonthlyFacts,
  ProcessFacts,
  ProjectionDump,
  TimeRange,
} from '../../analytics/analytics.store.js';
import { AnalyticsFold, type FeedRow } from './sqlite-analytics-fold.js';
import { elementCountFromRow, instanceFactFromRow, taskFactFromRow, type ElementCountRow, type InstanceFactRow, type TaskFactRow } from '../analytics-rows.js';

const PROJECTION_TABLES = ['analytics_instances', 'analytics_tasks', 'analytics_actions', 'analytics_element_days'] as const;

/** No cursor row: nothing folded yet. */
const START: CursorRow = { position: 0, instance_id: null, seq: null };

interface CursorRow {
  position: number;
  instance_id: string | null;
  seq: number | null;
}

/**
 * The analytics projections in SQLite. The audit log's global order is audit_events' rowid:
 * the table is append-only with a single writer, so rowids grow in commit order and a reader
 * never sees a smaller one appear later (no gaps to miss, unlike a sequence under concurrent
 * writers).
 */
export class SqliteAnalyticsStore implements AnalyticsStore {
  private readonly fold: AnalyticsFold;
  private readonly foldBatch: Database.Transaction<(limit: number) => number>;
  private readonly resetAll: Database.Transaction<() => void>;
  private readonly s: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.fold = new AnalyticsFold(db);
    this.s = prepare(db);
    this.foldBatch = db.transaction((limit: number) => {
      const cursor = this.s.cursor.get() ?? START;
      const rows = this.s.feed.all(cursor.position, limit);
      for (const row of rows) this.fold.apply(row);
      const last = rows[rows.length - 1];
      if (last) this.s.moveCursor.run({ position: last.position, instance: last.instance_id, seq: last.seq });
      return rows.length;
    });
    this.resetAll = db.transaction(() => {
      for (const table of PROJECTION_TABLES) db.prepare(`DELETE FROM ${table}`).run();
      db.prepare('DELETE FROM analytics_cursor').run();
    });
  }

  async foldNext(limit: number): Promise<number> {
    // IMMEDIATE: the cursor read and its move are one write transaction, so two projectors
    // (two processes on one file) never fold the same events.
    return this.foldBatch.immediate(limit);
  }

  async reset(): Promise<void> {
    this.resetAll.immediate();
  }

  async cursor(): Promise<{ position: number; valid: boolean; behind: number }> {
    return this.db.transaction(() => {
      const cursor = this.s.cursor.get() ?? START;
      // COUNT(*) always answers one row.
      const behind = this.s.behind.get(cursor.position)?.n ?? 0;
      if (cursor.position === 0) return { position: 0, valid: true, behind };
      const at = this.s.eventAt.get(cursor.position);
      const valid = at !== undefined && at.instance_id === cursor.instance_id && at.seq === cursor.seq;
      return { position: cursor.position, valid, behind };
    })();
  }

  async monthlyFacts(range: TimeRange): Promise<MonthlyFacts> {
    return this.db.transaction(() => {
      const actions = this.s.actions.all(range.from, range.to).map((row): ActionFact => ({
        kind: row.kind as ActionFact['kind'],
        username: row.username,
        department: row.department,
        instanceId: row.instance_id,
        processKey: row.process_key,
        durationMs: row.duration_ms,
      }));
      const feedback = this.s.monthFeedback.all(range.from, range.to).map((row): FeedbackFact => ({ instanceId: row.instance_id, rating: row.rating }));
      return { actions, feedback };
    })();
  }

  async activityFacts(processKey: string, range: TimeRange, version?: number): Promise<ActivityFacts> {
    return this.db.transaction(() => {
      const params = { key: processKey, from: range.from, to: range.to, version: version ?? null };
      const tasks = this.s.activityTasks.all(params).map((row): ActivityTaskFact => ({
        elementId: row.element_id,
        customer: row.customer === 1,
        createdAt: row.created_at,
        endedAt: row.ended_at,
        dueAt: row.due_at,
        escalated: row.escalated === 1,
        queueMs: row.queue_ms,
        workMs: row.work_ms,
      }));
      return { tasks, elements: this.elements({ ...params, from: range.from.slice(0, 10), to: range.to.slice(0, 10) }) };
    })();
  }

  private elements(params: RangeParams): ElementCount[] {
    return this.s.elements.all(params).map(elementCountFromRow);
  }

  async processFacts(processKey: string, range: TimeRange, version?: number): Promise<ProcessFacts> {
    return this.db.transaction(() => {
      const v = version ?? null;
      const tasks = this.s.tasks.all({ key: processKey, from: range.from, to: range.to, version: v }).map(taskFactFromRow);
      const elements = this.elements({ key: processKey, from: range.from.slice(0, 10), to: range.to.slice(0, 10), version: v });
      const instances = this.s.instances.all({ key: processKey, from: range.from, to: range.to, version: v }).map(instanceFactFromRow);
      return { tasks, elements, instances };
    })();
  }

  async dump(): Promise<ProjectionDump> {
    return this.db.transaction(() => {
      const out: ProjectionDump = {};
      for (const table of PROJECTION_TABLES) out[table] = this.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
      return out;
    })();
  }
}

type RangeParams = { key: string; from: string; to: string; version: number | null };

function prepare(db: Database.Database) {
  return {
    cursor: db.prepare<[], CursorRow>('SELECT position, instance_id, seq FROM analytics_cursor WHERE id = 1'),
    moveCursor: db.prepare<{ position: number; instance: string; seq: number }>(
      `INSERT INTO analytics_cursor (id, position, instance_id, seq) VALUES (1, @position, @instance, @seq)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, instance_id = excluded.instance_id, seq = excluded.seq`,
    ),
    feed: db.prepare<[number, number], FeedRow>(
      `SELECT rowid AS position, instance_id, seq, type, at, actor, element_id, definition_id, data
       FROM audit_events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    ),
    behind: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM audit_events WHERE rowid > ?'),
    eventAt: db.prepare<[number], { instance_id: string; seq: number }>('SELECT instance_id, seq FROM audit_events WHERE rowid = ?'),
    actions: db.prepare<[string, string], { kind: string; username: string | null; department: string | null; instance_id: string; process_key: string; duration_ms: number | null }>(
      'SELECT kind, username, department, instance_id, process_key, duration_ms FROM analytics_actions WHERE at >= ? AND at < ? ORDER BY at, position, kind',
    ),
    monthFeedback: db.prepare<[string, string], { instance_id: string; rating: number }>(
      `SELECT f.instance_id, f.rating FROM customer_feedback f
       WHERE f.instance_id IN (SELECT instance_id FROM analytics_actions WHERE at >= ? AND at < ? AND kind IN ('resolved', 'passed-up'))`,
    ),
    tasks: db.prepare<RangeParams, TaskFactRow>(
      `SELECT task_id, instance_id, version, element_id, department, customer, completed_by, created_at, ended_at, status, due_at, escalated, reopened, queue_ms, work_ms
       FROM analytics_tasks WHERE process_key = @key AND created_at >= @from AND created_at < @to AND (@version IS NULL OR version = @version)`,
    ),
    elements: db.prepare<RangeParams, ElementCountRow>(
      `SELECT version, element_id, kind, sum(count) AS count FROM analytics_element_days
       WHERE process_key = @key AND day >= @from AND day < @to AND (@version IS NULL OR version = @version)
       GROUP BY version, element_id, kind`,
    ),
    activityTasks: db.prepare<
      RangeParams,
      { element_id: string; customer: number; created_at: string; ended_at: string | null; due_at: string | null; escalated: number; queue_ms: number | null; work_ms: number | null }
    >(
      `SELECT element_id, customer, created_at, ended_at, due_at, escalated, queue_ms, work_ms
       FROM analytics_tasks WHERE process_key = @key AND created_at >= @from AND created_at < @to AND (@version IS NULL OR version = @version)`,
    ),
    // Overlapping the range: started in it, or started before and still open or ended in it. Three
    // index ranges instead of "started before the end", which would read the whole history.
    instances: db.prepare<RangeParams, InstanceFactRow>(
      `WITH overlap (instance_id) AS (
         SELECT instance_id FROM analytics_instances WHERE process_key = @key AND started_at >= @from AND started_at < @to
         UNION ALL
         SELECT instance_id FROM analytics_instances WHERE process_key = @key AND ended_at >= @from AND started_at < @from
         UNION ALL
         SELECT instance_id FROM analytics_instances WHERE process_key = @key AND ended_at IS NULL AND started_at < @from
       )
       SELECT i.instance_id, i.version, i.started_at, i.ended_at, i.status, i.user_tasks, i.pass_ups, i.hand_overs, i.escalations,
              i.resolver, i.resolver_department, i.customer_wait_ms, f.rating
       FROM overlap o JOIN analytics_instances i ON i.instance_id = o.instance_id
       LEFT JOIN customer_feedback f ON f.instance_id = i.instance_id
       WHERE (@version IS NULL OR i.version = @version)`,
    ),
  };
}
