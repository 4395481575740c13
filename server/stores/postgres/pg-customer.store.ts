import type pg from 'pg';

import type { CustomerFeedback, CustomerUpload, TicketAccess } from '../../customer/customer.js';
import type { CustomerStore } from '../../customer/customer.store.js';
import { iso, query, type Queryable } from './pg-pool.js';

interface TicketRow extends Record<string, unknown> {
  token_hash: string;
  instance_id: string;
  created_at: Date;
  expires_at: Date;
}

interface FeedbackRow extends Record<string, unknown> {
  instance_id: string;
  rating: number;
  comment: string;
  created_at: Date;
}

interface UploadRow extends Record<string, unknown> {
  id: string;
  instance_id: string;
  task_id: string;
  field: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: Date;
}

const UPLOAD_COLUMNS = 'id, instance_id, task_id, field, filename, content_type, size, sha256, data, created_at';

export class PgCustomerStore implements CustomerStore {
  constructor(private readonly pool: pg.Pool) {}

  /** In a step's transaction (commitStep). One link per ticket: a new one replaces the old. */
  async insertTicketIn(client: Queryable, access: TicketAccess): Promise<void> {
    await client.query(
      `INSERT INTO customer_tickets (token_hash, instance_id, created_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (instance_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      [access.tokenHash, access.instanceId, access.createdAt, access.expiresAt],
    );
  }

  async ticketByHash(tokenHash: string): Promise<TicketAccess | null> {
    const row = (await query<TicketRow>(this.pool, 'SELECT token_hash, instance_id, created_at, expires_at FROM customer_tickets WHERE token_hash = $1', [tokenHash])).rows[0];
    return row ? { tokenHash: row.token_hash, instanceId: row.instance_id, createdAt: iso(row.created_at), expiresAt: iso(row.expires_at) } : null;
  }

  async insertFeedback(feedback: CustomerFeedback): Promise<boolean> {
    const result = await query(
      this.pool,
      `INSERT INTO customer_feedback (instance_id, rating, comment, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (instance_id) DO NOTHING`,
      [feedback.instanceId, feedback.rating, feedback.comment, feedback.createdAt],
    );
    return result.rowCount === 1;
  }

  async feedback(instanceId: string): Promise<CustomerFeedback | null> {
    const row = (await query<FeedbackRow>(this.pool, 'SELECT instance_id, rating, comment, created_at FROM customer_feedback WHERE instance_id = $1', [instanceId])).rows[0];
    return row ? { instanceId: row.instance_id, rating: row.rating, comment: row.comment, createdAt: iso(row.created_at) } : null;
  }

  /** In the step's transaction (commitStep): a refused step keeps none of its files. */
  async insertUploadIn(client: Queryable, upload: CustomerUpload): Promise<void> {
    await client.query(`INSERT INTO customer_uploads (${UPLOAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      upload.id,
      upload.instanceId,
      upload.taskId,
      upload.field,
      upload.filename,
      upload.contentType,
      upload.size,
      upload.sha256,
      upload.data,
      upload.createdAt,
    ]);
  }

  async upload(id: string): Promise<CustomerUpload | null> {
    const row = (await query<UploadRow>(this.pool, `SELECT ${UPLOAD_COLUMNS} FROM customer_uploads WHERE id = $1`, [id])).rows[0];
    if (!row) return null;
    return {
      id: row.id,
      instanceId: row.instance_id,
      taskId: row.task_id,
      field: row.field,
      filename: row.filename,
      contentType: row.content_type,
      size: row.size,
      sha256: row.sha256,
      data: row.data,
      createdAt: iso(row.created_at),
    };
  }
}
