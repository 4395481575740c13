import type pg from 'pg';

import type { ReportDelivery, ReportDeliveryStore, ReportMail } from '../../analytics/report-delivery.store.js';
import { isLang } from '../../i18n/languages.js';
import { inTransaction, iso, isoOrNull, query } from './pg-pool.js';

interface DeliveryRow extends Record<string, unknown> {
  department_id: string;
  enabled: boolean;
  time_zone: string;
  hour: number;
  lang: string;
  recipients: string[];
  next_due_at: Date;
  updated_at: Date;
}

interface MailRow extends Record<string, unknown> {
  id: string;
  department_id: string;
  month: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: Date;
  sent_at: Date | null;
  attempts: number;
  last_error: string | null;
}

const COLUMNS = 'department_id, enabled, time_zone, hour, lang, recipients, next_due_at, updated_at';
const MAIL_COLUMNS = 'id, department_id, month, recipient, subject, body, created_at, sent_at, attempts, last_error';

const toDelivery = (row: DeliveryRow): ReportDelivery => ({
  departmentId: row.department_id,
  enabled: row.enabled,
  timeZone: row.time_zone,
  hour: row.hour,
  lang: isLang(row.lang) ? row.lang : 'en',
  recipients: row.recipients,
  nextDueAt: iso(row.next_due_at),
  updatedAt: iso(row.updated_at),
});

const toMail = (row: MailRow): ReportMail => ({
  id: row.id,
  departmentId: row.department_id,
  month: row.month,
  recipient: row.recipient,
  subject: row.subject,
  body: row.body,
  createdAt: iso(row.created_at),
  sentAt: isoOrNull(row.sent_at),
  attempts: row.attempts,
  lastError: row.last_error,
});

/** Monthly report deliveries and the reports' own outbox, as on SQLite (sqlite-report-delivery.store.ts). */
export class PgReportDeliveryStore implements ReportDeliveryStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<ReportDelivery[]> {
    const result = await query<DeliveryRow>(this.pool, { name: 'baton.reports.list', text: `SELECT ${COLUMNS} FROM report_deliveries ORDER BY department_id COLLATE "C"` });
    return result.rows.map(toDelivery);
  }

  async get(departmentId: string): Promise<ReportDelivery | null> {
    const result = await query<DeliveryRow>(this.pool, { name: 'baton.reports.get', text: `SELECT ${COLUMNS} FROM report_deliveries WHERE department_id = $1`, values: [departmentId] });
    const row = result.rows[0];
    return row ? toDelivery(row) : null;
  }

  async put(d: ReportDelivery): Promise<void> {
    await query(this.pool, {
      name: 'baton.reports.put',
      text: `INSERT INTO report_deliveries (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (department_id) DO UPDATE SET enabled = excluded.enabled, time_zone = excluded.time_zone, hour = excluded.hour, lang = excluded.lang,
               recipients = excluded.recipients, next_due_at = excluded.next_due_at, updated_at = excluded.updated_at`,
      values: [d.departmentId, d.enabled, d.timeZone, d.hour, d.lang, JSON.stringify(d.recipients), d.nextDueAt, d.updatedAt],
    });
  }

  async due(at: string, limit: number): Promise<ReportDelivery[]> {
    const result = await query<DeliveryRow>(this.pool, {
      name: 'baton.reports.due',
      text: `SELECT ${COLUMNS} FROM report_deliveries WHERE enabled AND next_due_at <= $1 ORDER BY next_due_at LIMIT $2`,
      values: [at, limit],
    });
    return result.rows.map(toDelivery);
  }

  /**
   * One transaction. The conditional UPDATE takes the row lock: a second node delivering the same
   * due time waits, then finds next_due_at moved (READ COMMITTED re-checks the row) and gets false.
   */
  async deliver(departmentId: string, dueAt: string, nextDueAt: string, mails: ReportMail[]): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const moved = await client.query({
        name: 'baton.reports.move',
        text: 'UPDATE report_deliveries SET next_due_at = $3 WHERE department_id = $1 AND next_due_at = $2',
        values: [departmentId, dueAt, nextDueAt],
      });
      if ((moved.rowCount ?? 0) === 0) return false;
      for (const mail of mails) {
        await client.query({
          name: 'baton.reports.insertMail',
          text: `INSERT INTO report_mail (id, department_id, month, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          values: [mail.id, mail.departmentId, mail.month, mail.recipient, mail.subject, mail.body, mail.createdAt],
        });
      }
      return true;
    });
  }

  async pendingMail(limit: number, maxAttempts: number): Promise<ReportMail[]> {
    const result = await query<MailRow>(this.pool, {
      name: 'baton.reports.pending',
      text: `SELECT ${MAIL_COLUMNS} FROM report_mail WHERE sent_at IS NULL AND attempts < $1 ORDER BY created_at, pos LIMIT $2`,
      values: [maxAttempts, limit],
    });
    return result.rows.map(toMail);
  }

  async mailFor(departmentId: string): Promise<ReportMail[]> {
    const result = await query<MailRow>(this.pool, {
      name: 'baton.reports.mailFor',
      text: `SELECT ${MAIL_COLUMNS} FROM report_mail WHERE department_id = $1 ORDER BY created_at, recipient COLLATE "C"`,
      values: [departmentId],
    });
    return result.rows.map(toMail);
  }

  async markSent(id: string, at: string): Promise<void> {
    await query(this.pool, { name: 'baton.reports.sent', text: 'UPDATE report_mail SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2', values: [at, id] });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await query(this.pool, { name: 'baton.reports.failed', text: 'UPDATE report_mail SET attempts = attempts + 1, last_error = $1 WHERE id = $2', values: [error.slice(0, 1000), id] });
  }
}
