import type Database from 'better-sqlite3';

import type { CustomerFeedback, CustomerUpload, TicketAccess } from '../../customer/customer.js';
import type { CustomerStore } from '../../customer/customer.store.js';

interface TicketRow {
  token_hash: string;
  instance_id: string;
  created_at: string;
  expires_at: string;
}

interface FeedbackRow {
  instance_id: string;
  rating: number;
  comment: string;
  created_at: string;
}

interface UploadRow {
  id: string;
  instance_id: string;
  task_id: string;
  field: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: string;
}

const ticket = (row: TicketRow): TicketAccess => ({ tokenHash: row.token_hash, instanceId: row.instance_id, createdAt: row.created_at, expiresAt: row.expires_at });

export class SqliteCustomerStore implements CustomerStore {
  private readonly insertTicketRow: Database.Statement<[TicketRow]>;
  private readonly byHash: Database.Statement<[string], TicketRow>;
  private readonly insertFeedbackRow: Database.Statement<[FeedbackRow]>;
  private readonly feedbackRow: Database.Statement<[string], FeedbackRow>;
  private readonly insertUploadRow: Database.Statement<[UploadRow]>;
  private readonly uploadRow: Database.Statement<[string], UploadRow>;

  constructor(private readonly db: Database.Database) {
    // One link per ticket: a new one (the customer looked the ticket up again) replaces the old.
    this.insertTicketRow = db.prepare(
      `INSERT INTO customer_tickets (token_hash, instance_id, created_at, expires_at) VALUES (@token_hash, @instance_id, @created_at, @expires_at)
       ON CONFLICT (instance_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    );
    this.byHash = db.prepare('SELECT * FROM customer_tickets WHERE token_hash = ?');
    this.insertFeedbackRow = db.prepare(
      `INSERT INTO customer_feedback (instance_id, rating, comment, created_at) VALUES (@instance_id, @rating, @comment, @created_at)
       ON CONFLICT (instance_id) DO NOTHING`,
    );
    this.feedbackRow = db.prepare('SELECT * FROM customer_feedback WHERE instance_id = ?');
    this.insertUploadRow = db.prepare(
      `INSERT INTO customer_uploads (id, instance_id, task_id, field, filename, content_type, size, sha256, data, created_at)
       VALUES (@id, @instance_id, @task_id, @field, @filename, @content_type, @size, @sha256, @data, @created_at)`,
    );
    this.uploadRow = db.prepare('SELECT * FROM customer_uploads WHERE id = ?');
  }

  /** In the caller's transaction: a start writes its status link with the instance (commitStep). */
  insertTicketSync(access: TicketAccess): void {
    this.insertTicketRow.run({ token_hash: access.tokenHash, instance_id: access.instanceId, created_at: access.createdAt, expires_at: access.expiresAt });
  }

  async ticketByHash(tokenHash: string): Promise<TicketAccess | null> {
    const row = this.byHash.get(tokenHash);
    return row ? ticket(row) : null;
  }

  async insertFeedback(feedback: CustomerFeedback): Promise<boolean> {
    const result = this.insertFeedbackRow.run({ instance_id: feedback.instanceId, rating: feedback.rating, comment: feedback.comment, created_at: feedback.createdAt });
    return result.changes === 1;
  }

  async feedback(instanceId: string): Promise<CustomerFeedback | null> {
    const row = this.feedbackRow.get(instanceId);
    return row ? { instanceId: row.instance_id, rating: row.rating, comment: row.comment, createdAt: row.created_at } : null;
  }

  /** In the caller's transaction: a task answered with files keeps them with its step (commitStep). */
  insertUploadSync(upload: CustomerUpload): void {
    this.insertUploadRow.run({
      id: upload.id,
      instance_id: upload.instanceId,
      task_id: upload.taskId,
      field: upload.field,
      filename: upload.filename,
      content_type: upload.contentType,
      size: upload.size,
      sha256: upload.sha256,
      data: upload.data,
      created_at: upload.createdAt,
    });
  }

  async upload(id: string): Promise<CustomerUpload | null> {
    const row = this.uploadRow.get(id);
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
      createdAt: row.created_at,
    };
  }
}
