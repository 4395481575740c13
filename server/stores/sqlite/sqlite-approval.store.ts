import type Database from 'better-sqlite3';

import type { ApprovalKind, ApprovalRecord, ApprovalStatus } from '../../operations/approval.js';
import type { ApprovalStore } from '../../operations/approval.store.js';
import { fromJson, toJson } from './sqlite-query.js';

interface ApprovalRow {
  id: string;
  kind: string;
  instance_id: string | null;
  request: string;
  reason: string;
  requested_by: string;
  requested_at: string;
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
}

const COLUMNS = 'id, kind, instance_id, request, reason, requested_by, requested_at, status, decided_by, decided_at, note';

export class SqliteApprovalStore implements ApprovalStore {
  private readonly insertRow: Database.Statement<[ApprovalRow]>;
  private readonly byId: Database.Statement<[string], ApprovalRow>;
  private readonly all: Database.Statement<[number], ApprovalRow>;
  private readonly byStatus: Database.Statement<[string, number], ApprovalRow>;
  private readonly decideRow: Database.Statement<[string, string | null, string | null, string | null, string]>;
  private readonly outcomeRow: Database.Statement<[string, string | null, string]>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(`INSERT INTO approvals (${COLUMNS}) VALUES (@id, @kind, @instance_id, @request, @reason, @requested_by, @requested_at, @status, @decided_by, @decided_at, @note)`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM approvals WHERE id = ?`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM approvals ORDER BY requested_at DESC, rowid DESC LIMIT ?`);
    this.byStatus = db.prepare(`SELECT ${COLUMNS} FROM approvals WHERE status = ? ORDER BY requested_at DESC, rowid DESC LIMIT ?`);
    this.decideRow = db.prepare("UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ? AND status = 'pending'");
    this.outcomeRow = db.prepare('UPDATE approvals SET status = ?, note = ? WHERE id = ?');
  }

  async insert(approval: ApprovalRecord): Promise<void> {
    this.insertRow.run({
      id: approval.id,
      kind: approval.kind,
      instance_id: approval.instanceId,
      request: toJson(approval.request),
      reason: approval.reason,
      requested_by: approval.requestedBy,
      requested_at: approval.requestedAt,
      status: approval.status,
      decided_by: approval.decidedBy,
      decided_at: approval.decidedAt,
      note: approval.note,
    });
  }

  async get(id: string): Promise<ApprovalRecord | null> {
    const row = this.byId.get(id);
    return row ? toApproval(row) : null;
  }

  async list(status: ApprovalStatus | undefined, limit: number): Promise<ApprovalRecord[]> {
    return (status ? this.byStatus.all(status, limit) : this.all.all(limit)).map(toApproval);
  }

  async decide(id: string, decision: Pick<ApprovalRecord, 'status' | 'decidedBy' | 'decidedAt' | 'note'>): Promise<boolean> {
    return this.decideRow.run(decision.status, decision.decidedBy, decision.decidedAt, decision.note, id).changes > 0;
  }

  async setOutcome(id: string, status: ApprovalStatus, note: string | null): Promise<void> {
    this.outcomeRow.run(status, note, id);
  }
}

function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    kind: row.kind as ApprovalKind,
    instanceId: row.instance_id,
    request: fromJson(row.request) as Record<string, unknown>,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    status: row.status as ApprovalStatus,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.note,
  };
}
