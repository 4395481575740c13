import type pg from 'pg';

import type { ApprovalKind, ApprovalRecord, ApprovalStatus } from '../../operations/approval.js';
import type { ApprovalStore } from '../../operations/approval.store.js';
import { iso, isoOrNull, query } from './pg-pool.js';

interface ApprovalRow extends Record<string, unknown> {
  id: string;
  kind: string;
  instance_id: string | null;
  request: Record<string, unknown>;
  reason: string;
  requested_by: string;
  requested_at: Date;
  status: string;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
}

const COLUMNS = 'id, kind, instance_id, request, reason, requested_by, requested_at, status, decided_by, decided_at, note';

export class PgApprovalStore implements ApprovalStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(approval: ApprovalRecord): Promise<void> {
    await query(this.pool, `INSERT INTO approvals (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      approval.id,
      approval.kind,
      approval.instanceId,
      JSON.stringify(approval.request),
      approval.reason,
      approval.requestedBy,
      approval.requestedAt,
      approval.status,
      approval.decidedBy,
      approval.decidedAt,
      approval.note,
    ]);
  }

  async get(id: string): Promise<ApprovalRecord | null> {
    const row = (await query<ApprovalRow>(this.pool, `SELECT ${COLUMNS} FROM approvals WHERE id = $1`, [id])).rows[0];
    return row ? toApproval(row) : null;
  }

  async list(status: ApprovalStatus | undefined, limit: number): Promise<ApprovalRecord[]> {
    const result = status
      ? await query<ApprovalRow>(this.pool, `SELECT ${COLUMNS} FROM approvals WHERE status = $1 ORDER BY requested_at DESC, pos DESC LIMIT $2`, [status, limit])
      : await query<ApprovalRow>(this.pool, `SELECT ${COLUMNS} FROM approvals ORDER BY requested_at DESC, pos DESC LIMIT $1`, [limit]);
    return result.rows.map(toApproval);
  }

  /** One conditional statement: of two admins deciding at once, the second finds it decided. */
  async decide(id: string, decision: Pick<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'note'>): Promise<boolean> {
    const result = await query(this.pool, "UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5 AND status = 'pending'", [
      decision.status,
      decision.decidedBy,
      decision.decidedAt,
      decision.note,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async setOutcome(id: string, status: ApprovalStatus, note: string | null): Promise<void> {
    await query(this.pool, 'UPDATE approvals SET status = $1, note = $2 WHERE id = $3', [status, note, id]);
  }
}

function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    kind: row.kind as ApprovalKind,
    instanceId: row.instance_id,
    request: row.request,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at),
    status: row.status as ApprovalStatus,
    decidedBy: row.decided_by,
    decidedAt: isoOrNull(row.decided_at),
    note: row.note,
  };
}
