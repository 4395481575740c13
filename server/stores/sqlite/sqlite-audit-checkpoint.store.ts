import type Database from 'better-sqlite3';

import { headsDigest, type AuditCheckpoint, type CheckpointBody, type CheckpointHead } from '../../audit/audit-checkpoint.js';
import type { AuditCheckpointStore, SealedHead } from '../../audit/audit-checkpoint.store.js';

interface CheckpointRow {
  id: number;
  at: string;
  prev_signature: string;
  head_count: number;
  heads_digest: string;
  key_id: string;
  signature: string;
}

interface HeadRow {
  instance_id: string;
  checkpoint_id: number;
  seq: number;
  hash: string;
}

const COLUMNS = 'id, at, prev_signature, head_count, heads_digest, key_id, signature';

export class SqliteAuditCheckpointStore implements AuditCheckpointStore {
  private readonly latestRow: Database.Statement<[], CheckpointRow>;
  private readonly byId: Database.Statement<[number], CheckpointRow>;
  private readonly countRows: Database.Statement<[], number>;
  private readonly after: Database.Statement<[number, number], CheckpointRow>;
  private readonly headsOf: Database.Statement<[number], HeadRow>;
  private readonly sealedOf: Database.Statement<[string], HeadRow>;
  private readonly advanced: Database.Statement<[], HeadRow>;
  private readonly insertCheckpoint: Database.Statement<[CheckpointRow]>;
  private readonly insertHead: Database.Statement<[HeadRow]>;
  private readonly appendTx: Database.Transaction<(at: string, keyId: string, sign: (body: CheckpointBody) => string) => AuditCheckpoint | null>;

  constructor(db: Database.Database) {
    this.latestRow = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE id = ?`);
    this.countRows = db.prepare<[], number>('SELECT COUNT(*) FROM audit_checkpoints').pluck();
    this.after = db.prepare(`SELECT ${COLUMNS} FROM audit_checkpoints WHERE id > ? ORDER BY id LIMIT ?`);
    this.headsOf = db.prepare('SELECT instance_id, checkpoint_id, seq, hash FROM audit_checkpoint_heads WHERE checkpoint_id = ? ORDER BY instance_id');
    this.sealedOf = db.prepare('SELECT instance_id, checkpoint_id, seq, hash FROM audit_checkpoint_heads WHERE instance_id = ? ORDER BY checkpoint_id');
    // One index probe per instance (the primary key's instance_id prefix, newest checkpoint last):
    // a full pass over instances every few minutes, cheap next to the steps themselves.
    this.advanced = db.prepare(
      `SELECT i.id AS instance_id, 0 AS checkpoint_id, i.audit_seq AS seq, i.audit_hash AS hash
       FROM instances i
       WHERE i.audit_seq > COALESCE(
         (SELECT h.seq FROM audit_checkpoint_heads h WHERE h.instance_id = i.id ORDER BY h.checkpoint_id DESC LIMIT 1), 0)
       ORDER BY i.id`,
    );
    this.insertCheckpoint = db.prepare(
      `INSERT INTO audit_checkpoints (${COLUMNS})
       VALUES (@id, @at, @prev_signature, @head_count, @heads_digest, @key_id, @signature)`,
    );
    this.insertHead = db.prepare('INSERT INTO audit_checkpoint_heads (instance_id, checkpoint_id, seq, hash) VALUES (@instance_id, @checkpoint_id, @seq, @hash)');
    this.appendTx = db.transaction((at, keyId, sign) => {
      const heads = this.advanced.all().map(toHead);
      if (heads.length === 0) return null;
      const previous = this.latestRow.get();
      const body: CheckpointBody = {
        id: (previous?.id ?? 0) + 1,
        at,
        prevSignature: previous?.signature ?? '',
        headCount: heads.length,
        headsDigest: headsDigest(heads),
        keyId,
      };
      const checkpoint: AuditCheckpoint = { ...body, signature: sign(body) };
      this.insertCheckpoint.run(toRow(checkpoint));
      for (const head of heads) this.insertHead.run({ instance_id: head.instanceId, checkpoint_id: checkpoint.id, seq: head.seq, hash: head.hash });
      return checkpoint;
    });
  }

  async append(at: string, keyId: string, sign: (body: CheckpointBody) => string): Promise<AuditCheckpoint | null> {
    // IMMEDIATE: two nodes checkpointing at once serialise here instead of both taking id n + 1.
    return this.appendTx.immediate(at, keyId, sign);
  }

  async latest(): Promise<AuditCheckpoint | null> {
    const row = this.latestRow.get();
    return row ? toCheckpoint(row) : null;
  }

  async get(id: number): Promise<AuditCheckpoint | null> {
    const row = this.byId.get(id);
    return row ? toCheckpoint(row) : null;
  }

  async count(): Promise<number> {
    return this.countRows.get() ?? 0;
  }

  async list(afterId: number, limit: number): Promise<AuditCheckpoint[]> {
    return this.after.all(afterId, limit).map(toCheckpoint);
  }

  async heads(checkpointId: number): Promise<CheckpointHead[]> {
    return this.headsOf.all(checkpointId).map(toHead);
  }

  async sealedHeads(instanceId: string): Promise<SealedHead[]> {
    return this.sealedOf.all(instanceId).map((row) => ({ ...toHead(row), checkpointId: row.checkpoint_id }));
  }
}

function toHead(row: HeadRow): CheckpointHead {
  return { instanceId: row.instance_id, seq: row.seq, hash: row.hash };
}

function toRow(checkpoint: AuditCheckpoint): CheckpointRow {
  return {
    id: checkpoint.id,
    at: checkpoint.at,
    prev_signature: checkpoint.prevSignature,
    head_count: checkpoint.headCount,
    heads_digest: checkpoint.headsDigest,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature,
  };
}

function toCheckpoint(row: CheckpointRow): AuditCheckpoint {
  return {
    id: row.id,
    at: row.at,
    prevSignature: row.prev_signature,
    headCount: row.head_count,
    headsDigest: row.heads_digest,
    keyId: row.key_id,
    signature: row.signature,
  };
}
