import type Database from 'better-sqlite3';
import type { AuditEvent } from '../../audit/audit-event.js';
import type { AuditStore } from '../../audit/audit.store.js';
import { SqliteAuditCheckpointStore } from './sqlite-audit-checkpoint.store.js';
import { toJson } from './sqlite-query.js';

/** A row of audit_events as stored (tests that tamper with the file read it too). */
export interface AuditRow {
  instance_id: string;
  seq: number;
  type: string;
  at: string;
  actor: string;
  element_id: string | null;
  definition_id: string;
  data: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = 'instance_id, seq, type, at, actor, element_id, definition_id, data, prev_hash, hash';

export class SqliteAuditStore implements AuditStore {
  readonly checkpoints: SqliteAuditCheckpointStore;
  private readonly ofInstance: Database.Statement<[string], AuditRow>;
  private readonly pageOf: Database.Statement<[string, number, number], AuditRow>;
  private readonly lastAtRow: Database.Statement<[string, string], AuditRow>;
  private readonly insertRow: Database.Statement<[AuditRow]>;

  constructor(db: Database.Database) {
    this.checkpoints = new SqliteAuditCheckpointStore(db);
    this.ofInstance = db.prepare(`SELECT ${COLUMNS} FROM audit_events WHERE instance_id = ? ORDER BY seq`);
    this.pageOf = db.prepare(`SELECT ${COLUMNS} FROM audit_events WHERE instance_id = ? AND seq > ? ORDER BY seq LIMIT ?`);
    // Walks the (instance_id, seq) key backwards from the newest event: no sort, stops at the first match.
    this.lastAtRow = db.prepare(
      `SELECT ${COLUMNS} FROM audit_events WHERE instance_id = ? AND element_id IN (SELECT value FROM json_each(?))
       ORDER BY seq DESC LIMIT 1`,
    );
    // Plain INSERT: the log is append-only, so an existing (instance, seq) is a bug to surface,
    // never a row to overwrite.
    this.insertRow = db.prepare(
      `INSERT INTO audit_events (instance_id, seq, type, at, actor, element_id, definition_id,
         data, prev_hash, hash)
       VALUES (@instance_id, @seq, @type, @at, @actor, @element_id, @definition_id, @data,
         @prev_hash, @hash)`,
    );
  }

  async forInstance(instanceId: string): Promise<AuditEvent[]> {
    return this.ofInstance.all(instanceId).map(toEvent);
  }

  async page(instanceId: string, afterSeq: number, limit: number): Promise<AuditEvent[]> {
    return this.pageOf.all(instanceId, afterSeq, limit).map(toEvent);
  }

  async lastAt(instanceId: string, elementIds: readonly string[]): Promise<AuditEvent | null> {
    if (elementIds.length === 0) return null;
    const row = this.lastAtRow.get(instanceId, JSON.stringify(elementIds));
    return row ? toEvent(row) : null;
  }

  /** Called only inside SqliteStore.commitStep's transaction. */
  appendSync(event: AuditEvent): void {
    this.insertRow.run(toRow(event));
  }
}

function toRow(event: AuditEvent): AuditRow {
  return {
    instance_id: event.instanceId,
    seq: event.seq,
    type: event.type,
    at: event.at,
    actor: event.actor,
    element_id: event.elementId,
    definition_id: event.definitionId,
    data: toJson(event.data),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
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
 * A data column that is not a JSON object was edited outside Baton: it is kept as text, so the
 * event fails its hash check and verification names it, instead of the read throwing.
 */
function readData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  return { unreadable: text };
}
