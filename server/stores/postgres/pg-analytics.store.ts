import type pg from 'pg';

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
import { PgAnalyticsFold, type PgFeedRow } from './pg-analytics-fold.js';
import { inTransaction, type Queryable } from './pg-pool.js';
import { elementCountFromRow, instanceFactFromRow, taskFactFromRow, type ElementCountRow, type InstanceFactRow, type TaskFactRow } from '../analytics-rows.js';

const PROJECTION_TABLES = ['analytics_instances', 'analytics_tasks', 'analytics_actions', 'analytics_element_days'] as const;
/** Each projection table's whole key: the dump's row order (SQLite's WITHOUT ROWID tables come in key order). */
const DUMP_ORDER: Record<(typeof PROJECTION_TABLES)[number], string> = {
  analytics_instances: 'instance_id',
  analytics_tasks: 'task_id',
  analytics_actions: 'position, kind',
  analytics_element_days: 'process_key, day, version, kind, element_id',
};

/** Serialises the folds and resets of every node on this schema (SQLite's BEGIN IMMEDIATE). */
const FOLD_LOCK = `SELECT pg_advisory_xact_lock(hashtext('baton.analytics'), hashtext(current_schema()))`;

interface CursorRow extends Record<string, unknown> {
  position: number;
  xid: string;
  instance_id: string | null;
  seq: number | null;
}

/** No cursor row: nothing folded yet. */
const START: CursorRow = { position: 0, xid: '0', instance_id: null, seq: null };

/**
 * The analytics projections in PostgreSQL. The log's global order is (xid, pos): the writing
 * transaction, then the identity. Identities are taken before commit, so they commit out of order
 * under concurrent writers; the feed therefore reads only events of transactions below the
 * horizon `pg_snapshot_xmin(pg_current_snapshot())` (all of them have committed or rolled back),
 * in (xid, pos) order. An event written later belongs to a transaction at or above the horizon,
 * so it sorts after the cursor: nothing is passed over, nothing folded twice. The price: an
 * open write transaction anywhere on the server holds the projections back until it ends.
 */
export class PgAnalyticsStore implements AnalyticsStore {
  constructor(private readonly pool: pg.Pool) {}

  async foldNext(limit: number): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      // The lock first: the cursor read and its move are one critical section across nodes, and
      // this transaction takes no xid before the feed is read (it would hold the horizon itself).
      await client.query(FOLD_LOCK);
      const cursor = await readCursor(client);
      const feed = await client.query<PgFeedRow>({
        name: 'baton.analytics.feed',
        text: `SELECT pos AS position, xid::text AS xid, instance_id, seq, type, at, actor, element_id, definition_id, data
               FROM audit_events
               WHERE (xid, pos) > ($1::xid8, $2::bigint) AND xid < pg_snapshot_xmin(pg_current_snapshot())
               ORDER BY xid, pos LIMIT $3`,
        values: [cursor.xid, cursor.position, limit],
      });
      const fold = new PgAnalyticsFold(client);
      for (const row of feed.rows) await fold.apply(row);
      const last = feed.rows[feed.rows.length - 1];
      if (last) {
        await client.query({
          name: 'baton.analytics.moveCursor',
          text: `INSERT INTO analytics_cursor (id, position, xid, instance_id, seq) VALUES (1, $1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET position = excluded.position, xid = excluded.xid, instance_id = excluded.instance_id, seq = excluded.seq`,
          values: [last.position, last.xid, last.instance_id, last.seq],
        });
      }
      return feed.rows.length;
    });
  }

  async reset(): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(FOLD_LOCK);
      for (const table of PROJECTION_TABLES) await client.query(`DELETE FROM ${table}`);
      await client.query('DELETE FROM analytics_cursor');
    });
  }

  async cursor(): Promise<{ position: number; valid: boolean; behind: number }> {
    return snapshot(this.pool, async (client) => {
      const cursor = await readCursor(client);
      const behind = await client.query<{ n: number }>({
        name: 'baton.analytics.behind',
        text: 'SELECT count(*) AS n FROM audit_events WHERE (xid, pos) > ($1::xid8, $2::bigint)',
        values: [cursor.xid, cursor.position],
      });
      const n = behind.rows[0]?.n ?? 0;
      if (cursor.position === 0) return { position: 0, valid: true, behind: n };
      // Valid: the event it was set on is still at that place (an import renumbers the log and rewrites every xid).
      const at = await client.query<{ instance_id: string; seq: number; xid: string }>({
        name: 'baton.analytics.eventAt',
        text: 'SELECT instance_id, seq, xid::text AS xid FROM audit_events WHERE pos = $1',
        values: [cursor.position],
      });
      const event = at.rows[0];
      const valid = event !== undefined && event.instance_id === cursor.instance_id && event.seq === cursor.seq && event.xid === cursor.xid;
      return { position: cursor.position, valid, behind: n };
    });
  }

  async monthlyFacts(range: TimeRange): Promise<MonthlyFacts> {
    return snapshot(this.pool, async (client) => {
      const actions = await client.query<{ kind: string; username: string | null; department: string | null; instance_id: string; process_key: string; duration_ms: number | null }>({
        name: 'baton.analytics.actions',
        text: 'SELECT kind, username, department, instance_id, process_key, duration_ms FROM analytics_actions WHERE at >= $1 AND at < $2 ORDER BY at, position, kind',
        values: [range.from, range.to],
      });
      const feedback = await client.query<{ instance_id: string; rating: number }>({
        name: 'baton.analytics.monthFeedback',
        text: `SELECT f.instance_id, f.rating FROM customer_feedback f
               WHERE f.instance_id IN (SELECT instance_id FROM analytics_actions WHERE at >= $1 AND at < $2 AND kind IN ('resolved', 'passed-up'))`,
        values: [range.from, range.to],
      });
      return {
        actions: actions.rows.map((row): ActionFact => ({
          kind: row.kind as ActionFact['kind'],
          username: row.username,
          department: row.department,
          instanceId: row.instance_id,
          processKey: row.process_key,
          durationMs: row.duration_ms,
        })),
        feedback: feedback.rows.map((row): FeedbackFact => ({ instanceId: row.instance_id, rating: row.rating })),
      };
    });
  }

  async activityFacts(processKey: string, range: TimeRange, version?: number): Promise<ActivityFacts> {
    return snapshot(this.pool, async (client) => {
      const v = version ?? null;
      const tasks = await client.query<{
        element_id: string;
        customer: boolean;
        created_at: string;
        ended_at: string | null;
        due_at: string | null;
        escalated: boolean;
        queue_ms: number | null;
        work_ms: number | null;
      }>({
        name: 'baton.analytics.activityTasks',
        text: `SELECT element_id, customer, created_at, ended_at, due_at, escalated, queue_ms, work_ms
               FROM analytics_tasks WHERE process_key = $1 AND created_at >= $2 AND created_at < $3 AND ($4::integer IS NULL OR version = $4)
               ORDER BY created_at, version, element_id, task_id`,
        values: [processKey, range.from, range.to, v],
      });
      return {
        tasks: tasks.rows.map((row): ActivityTaskFact => ({
          elementId: row.element_id,
          customer: row.customer,
          createdAt: row.created_at,
          endedAt: row.ended_at,
          dueAt: row.due_at,
          escalated: row.escalated,
          queueMs: row.queue_ms,
          workMs: row.work_ms,
        })),
        elements: await elements(client, processKey, range, v),
      };
    });
  }

  async processFacts(processKey: string, range: TimeRange, version?: number): Promise<ProcessFacts> {
    return snapshot(this.pool, async (client) => {
      const v = version ?? null;
      const tasks = await client.query<TaskFactRow & Record<string, unknown>>({
        name: 'baton.analytics.tasks',
        text: `SELECT task_id, instance_id, version, element_id, department, customer, completed_by, created_at, ended_at, status, due_at, escalated, reopened, queue_ms, work_ms
               FROM analytics_tasks WHERE process_key = $1 AND created_at >= $2 AND created_at < $3 AND ($4::integer IS NULL OR version = $4)
               ORDER BY created_at, version, element_id, task_id`,
        values: [processKey, range.from, range.to, v],
      });
      const counts = await elements(client, processKey, range, v);
      // Overlapping the range: started in it, or started before and still open or ended in it.
      const instances = await client.query<InstanceFactRow & Record<string, unknown>>({
        name: 'baton.analytics.instances',
        text: `WITH overlap (instance_id) AS (
                 SELECT instance_id FROM analytics_instances WHERE process_key = $1 AND started_at >= $2 AND started_at < $3
                 UNION ALL
                 SELECT instance_id FROM analytics_instances WHERE process_key = $1 AND ended_at >= $2 AND started_at < $2
                 UNION ALL
                 SELECT instance_id FROM analytics_instances WHERE process_key = $1 AND ended_at IS NULL AND started_at < $2
               )
               SELECT i.instance_id, i.version, i.started_at, i.ended_at, i.status, i.user_tasks, i.pass_ups, i.hand_overs, i.escalations,
                      i.resolver, i.resolver_department, i.customer_wait_ms, f.rating
               FROM overlap o JOIN analytics_instances i ON i.instance_id = o.instance_id
               LEFT JOIN customer_feedback f ON f.instance_id = i.instance_id
               WHERE ($4::integer IS NULL OR i.version = $4)
               ORDER BY i.started_at, i.instance_id`,
        values: [processKey, range.from, range.to, v],
      });
      return {
        tasks: tasks.rows.map(taskFactFromRow),
        elements: counts,
        instances: instances.rows.map(instanceFactFromRow),
      };
    });
  }

  async dump(): Promise<ProjectionDump> {
    return snapshot(this.pool, async (client) => {
      const out: ProjectionDump = {};
      for (const table of PROJECTION_TABLES) out[table] = (await client.query(`SELECT * FROM ${table} ORDER BY ${DUMP_ORDER[table]}`)).rows;
      return out;
    });
  }
}

/** One REPEATABLE READ, read-only transaction: every read of a report sees one moment of the projections. */
function snapshot<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return work(client);
  });
}

async function readCursor(client: Queryable): Promise<CursorRow> {
  const result = await client.query<CursorRow>({ name: 'baton.analytics.cursor', text: 'SELECT position, xid::text AS xid, instance_id, seq FROM analytics_cursor WHERE id = 1' });
  return result.rows[0] ?? START;
}

/** Element counts per UTC day in the range (days compare as SQLite's do: the dates of `from` and `to`). */
async function elements(client: Queryable, processKey: string, range: TimeRange, version: number | null): Promise<ElementCount[]> {
  const result = await client.query<ElementCountRow & Record<string, unknown>>({
    name: 'baton.analytics.elements',
    text: `SELECT version, element_id, kind, sum(count) AS count FROM analytics_element_days
           WHERE process_key = $1 AND day >= $2 AND day < $3 AND ($4::integer IS NULL OR version = $4)
           GROUP BY version, element_id, kind ORDER BY version, element_id, kind`,
    values: [processKey, range.from.slice(0, 10), range.to.slice(0, 10), version],
  });
  return result.rows.map(elementCountFromRow);
}
