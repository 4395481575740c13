import type pg from 'pg';

import { headsDigest, type AuditCheckpoint, type CheckpointBody, type CheckpointHead } from '../../audit/audit-checkpoint.js';
import type { AuditCheckpointStore, SealedHead } from '../../audit/audit-checkpoint.store.js';
import { inTransaction, query } from './pg-pool.js';

interface CheckpointRow extends Record<string, unknown> {
  id: number;
  at: string;
  prev_signature: string;
  head_count: number;
  heads_digest: string;
  key_id: string;
  signature: string;
}

interface HeadRow extends Record<string, unknown> {
  instance_id: string;
  checkpoint_id: number;
  seq: number;
  hash: string;
}

const COLUMNS = 'id, at, prev_signature, head_count, heads_digest, key_id, signature';

export class PgAuditCheckpointStore implements AuditCheckpointStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(at: string, keyId: string, sign: (body: CheckpointBody) => string): Promise<AuditCheckpoint | null> {
    return inTransaction(this.pool, async (client) => {
      // Two nodes checkpointing at once serialise on this lock instead of both taking id n + 1.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('baton.audit-checkpoint'), hashtext(current_schema()))`);
      const advanced = await client.query<HeadRow>(
        `SELECT i.id AS instance_id, 0 AS checkpoint_id, i.audit_seq AS seq, i.audit_hash AS hash
         FROM instances i
         WHERE i.audit_seq > COALESCE(
           (SELECT h.seq FROM audit_checkpoint_heads h WHERE h.instance_id = i.id ORDER BY h.checkpoint_id DESC LIMIT 1), 0)
         ORDER BY i.id COLLATE "C"`,
      );
      const heads = advanced.rows.map(toHead);
      if (heads.length === 0) return null;
      const previous = (await client.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)).rows[0];
      const body: CheckpointBody = {
        id: (previous?.id ?? 0) + 1,
        at,
        prevSignature: previous?.signature ?? '',
        headCount: heads.length,
        headsDigest: headsDigest(heads),
        keyId,
      };
      const checkpoint: AuditCheckpoint = { ...body, signature: sign(body) };
      await client.query(`INSERT INTO audit_checkpoints (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        checkpoint.id,
        checkpoint.at,
        checkpoint.prevSignature,
        checkpoint.headCount,
        checkpoint.headsDigest,
        checkpoint.keyId,
        checkpoint.signature,
      ]);
      // One statement for all heads: a checkpoint after a busy hour seals thousands.
      await client.query(
        `INSERT INTO audit_checkpoint_heads (instance_id, checkpoint_id, seq, hash)
         SELECT h.instance_id, $1, h.seq, h.hash FROM unnest($2::text[], $3::int[], $4::text[]) AS h(instance_id, seq, hash)`,
        [checkpoint.id, heads.map((head) => head.instanceId), heads.map((head) => head.seq), heads.map((head) => head.hash)],
      );
      return checkpoint;
    });
  }

  async latest(): Promise<AuditCheckpoint | null> {
    const row = (await query<CheckpointRow>(this.pool, `SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)).rows[0];
    return row ? toCheckpoint(row) : null;
  }

  async count(): Promise<number> {
    const row = (await query<{ n: string }>(this.pool, 'SELECT count(*) AS n FROM audit_checkpoints')).rows[0];
    return Number(row?.n ?? 0);
  }

  async get(id: number): Promise<AuditCheckpoint | null> {
    const row = (await query<CheckpointRow>(this.pool, `SELECT ${COLUMNS} FROM audit_checkpoints WHERE id = $1`, [id])).rows[0];
    return row ? toCheckpoint(row) : null;
  }

  async list(afterId: number, limit: number): Promise<AuditCheckpoint[]> {
    const result = await query<CheckpointRow>(this.pool, `SELECT ${COLUMNS} FROM audit_checkpoints WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
    return result.rows.map(toCheckpoint);
  }

  async heads(checkpointId: number): Promise<CheckpointHead[]> {
    const result = await query<HeadRow>(this.pool, 'SELECT instance_id, checkpoint_id, seq, hash FROM audit_checkpoint_heads WHERE checkpoint_id = $1 ORDER BY instance_id COLLATE "C"', [
      checkpointId,
    ]);
    return result.rows.map(toHead);
  }

  async sealedHeads(instanceId: string): Promise<SealedHead[]> {
    const result = await query<HeadRow>(this.pool, 'SELECT instance_id, checkpoint_id, seq, hash FROM audit_checkpoint_heads WHERE instance_id = $1 ORDER BY checkpoint_id', [instanceId]);
    return result.rows.map((row) => ({ ...toHead(row), checkpointId: row.checkpoint_id }));
  }
}

function toHead(row: HeadRow): CheckpointHead {
  return { instanceId: row.instance_id, seq: row.seq, hash: row.hash };
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
