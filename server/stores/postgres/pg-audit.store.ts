import type pg from 'pg';

import type { AuditEvent } from '../../audit/audit-event.js';
import type { AuditStore } from '../../audit/audit.store.js';
import { PgAuditCheckpointStore } from './pg-audit-checkpoint.store.js';
import { query, type Queryable } from './pg-pool.js';

interface AuditRow extends Record<string, unknown> {
  instance_id: string;
  seq: number;
  type: string;
  at: string;
  actor: string;
  element_id: string | null;
  definition_id: string;
  data: unknown;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'instance_id, seq, type, at, actor, element_id, definition_id, data, prev_hash, hash';

export class PgAuditStore implements AuditStore {
  readonly checkpoints: PgAuditCheckpointStore;

  constructor(private readonly pool: pg.Pool) {
    this.checkpoints = new PgAuditCheckpointStore(pool);
  }

  async forInstance(instanceId: string): Promise<AuditEvent[]> {
    const result = await query<AuditRow>(this.pool, { name: 'baton.audit.all', text: `SELECT ${COLUMNS} FROM audit_events WHERE instance_id = $1 ORDER BY seq`, values: [instanceId] });
    return result.rows.map(toEvent);
  }

  async page(instanceId: string, afterSeq: number, limit: number): Promise<AuditEvent[]> {
    const result = await query<AuditRow>(this.pool, {
      name: 'baton.audit.page',
      text: `SELECT ${COLUMNS} FROM audit_events WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      values: [instanceId, afterSeq, limit],
    });
    return result.rows.map(toEvent);
  }

  async lastAt(instanceId: string, elementIds: readonly string[]): Promise<AuditEvent | null> {
    if (elementIds.length === 0) return null;
    const result = await query<AuditRow>(this.pool, `SELECT ${COLUMNS} FROM audit_events WHERE instance_id = $1 AND element_id = ANY($2::text[]) ORDER BY seq DESC LIMIT 1`, [instanceId, elementIds]);
    const row = result.rows[0];
    return row ? toEvent(row) : null;
  }

  /**
   * In PgStore.commitStep's transaction: a step's events in one statement (a step appends several,
   * and each round trip to the server costs more than the rows). A plain INSERT: the log is
   * append-only, an existing (instance, seq) is a bug to surface.
   */
  async appendIn(client: Queryable, events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const column = <T>(pick: (event: AuditEvent) => T): T[] => events.map(pick);
    await client.query({
      name: 'baton.audit.insert',
      text: `INSERT INTO audit_events (${COLUMNS})
             SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::json[], $9::text[], $10::text[])`,
      values: [
        column((e) => e.instanceId),
        column((e) => e.seq),
        column((e) => e.type),
        column((e) => e.at),
        column((e) => e.actor),
        column((e) => e.elementId),
        column((e) => e.definitionId),
        column((e) => JSON.stringify(e.data)),
        column((e) => e.prevHash),
        column((e) => e.hash),
      ],
    });
  }
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    instanceId: row.instance_id,
    seq: row.seq,
    type: row.type,
    at: row.at,
    actor: row.actor,
    elementId: row.element_id,
    definitionId: row.definition_id,
    data: readData(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * A data value that is not a JSON object was edited outside Baton: it is kept as text, so the
 * event fails its hash check and verification names it, instead of the read throwing.
 */
function readData(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { unreadable: JSON.stringify(value) };
}
