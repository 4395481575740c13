import type Database from 'better-sqlite3';

import type { ReportDelivery, ReportDeliveryStore, ReportMail } from '../../analytics/report-delivery.store.js';
import { isLang } from '../../i18n/languages.js';

interface DeliveryRow {
  department_id: string;
  enabled: number;
  time_zone: string;
  hour: number;
  lang: string;
  recipients: string;
  next_due_at: string;
  updated_at: string;
}

interface MailRow {
  id: string;
  department_id: string;
  month: string;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

const toDelivery = (row: DeliveryRow): ReportDelivery => ({
  departmentId: row.department_id,
  enabled: row.enabled === 1,
  timeZone: row.time_zone,
  hour: row.hour,
  lang: isLang(row.lang) ? row.lang : 'en',
  recipients: JSON.parse(row.recipients) as string[],
  nextDueAt: row.next_due_at,
  updatedAt: row.updated_at,
});

const toMail = (row: MailRow): ReportMail => ({
  id: row.id,
  departmentId: row.department_id,
  month: row.month,
  recipient: row.recipient,
  subject: row.subject,
  body: row.body,
  createdAt: row.created_at,
  sentAt: row.sent_at,
  attempts: row.attempts,
  lastError: row.last_error,
});

export class SqliteReportDeliveryStore implements ReportDeliveryStore {
  private readonly s: ReturnType<typeof prepare>;
  private readonly deliverTx: Database.Transaction<(departmentId: string, dueAt: string, nextDueAt: string, mails: ReportMail[]) => boolean>;

  constructor(db: Database.Database) {
    this.s = prepare(db);
    this.deliverTx = db.transaction((departmentId: string, dueAt: string, nextDueAt: string, mails: ReportMail[]) => {
      if (this.s.move.run({ department: departmentId, due: dueAt, next: nextDueAt }).changes === 0) return false;
      for (const mail of mails) {
        this.s.insertMail.run({ id: mail.id, department: mail.departmentId, month: mail.month, recipient: mail.recipient, subject: mail.subject, body: mail.body, created: mail.createdAt });
      }
      return true;
    });
  }

  async list(): Promise<ReportDelivery[]> {
    return this.s.list.all().map(toDelivery);
  }

  async get(departmentId: string): Promise<ReportDelivery | null> {
    const row = this.s.get.get(departmentId);
    return row ? toDelivery(row) : null;
  }

  async put(d: ReportDelivery): Promise<void> {
    this.s.put.run({
      department: d.departmentId,
      enabled: d.enabled ? 1 : 0,
      zone: d.timeZone,
      hour: d.hour,
      lang: d.lang,
      recipients: JSON.stringify(d.recipients),
      next: d.nextDueAt,
      updated: d.updatedAt,
    });
  }

  async due(at: string, limit: number): Promise<ReportDelivery[]> {
    return this.s.due.all(at, limit).map(toDelivery);
  }

  async deliver(departmentId: string, dueAt: string, nextDueAt: string, mails: ReportMail[]): Promise<boolean> {
    return this.deliverTx.immediate(departmentId, dueAt, nextDueAt, mails);
  }

  async pendingMail(limit: number, maxAttempts: number): Promise<ReportMail[]> {
    return this.s.pending.all(maxAttempts, limit).map(toMail);
  }

  async mailFor(departmentId: string): Promise<ReportMail[]> {
    return this.s.mailFor.all(departmentId).map(toMail);
  }

  async markSent(id: string, at: string): Promise<void> {
    this.s.sent.run(at, id);
  }

  async markFailed(id: string, error: string): Promise<void> {
    this.s.failed.run(error.slice(0, 1000), id);
  }
}

function prepare(db: Database.Database) {
  const columns = 'department_id, enabled, time_zone, hour, lang, recipients, next_due_at, updated_at';
  const mailColumns = 'id, department_id, month, recipient, subject, body, created_at, sent_at, attempts, last_error';
  return {
    list: db.prepare<[], DeliveryRow>(`SELECT ${columns} FROM report_deliveries ORDER BY department_id`),
    get: db.prepare<[string], DeliveryRow>(`SELECT ${columns} FROM report_deliveries WHERE department_id = ?`),
    put: db.prepare<{ department: string; enabled: number; zone: string; hour: number; lang: string; recipients: string; next: string; updated: string }>(
      `INSERT INTO report_deliveries (${columns}) VALUES (@department, @enabled, @zone, @hour, @lang, @recipients, @next, @updated)
       ON CONFLICT (department_id) DO UPDATE SET enabled = excluded.enabled, time_zone = excluded.time_zone, hour = excluded.hour, lang = excluded.lang,
         recipients = excluded.recipients, next_due_at = excluded.next_due_at, updated_at = excluded.updated_at`,
    ),
    due: db.prepare<[string, number], DeliveryRow>(`SELECT ${columns} FROM report_deliveries WHERE enabled = 1 AND next_due_at <= ? ORDER BY next_due_at LIMIT ?`),
    move: db.prepare<{ department: string; due: string; next: string }>('UPDATE report_deliveries SET next_due_at = @next WHERE department_id = @department AND next_due_at = @due'),
    insertMail: db.prepare<{ id: string; department: string; month: string; recipient: string; subject: string; body: string; created: string }>(
      `INSERT OR IGNORE INTO report_mail (id, department_id, month, recipient, subject, body, created_at) VALUES (@id, @department, @month, @recipient, @subject, @body, @created)`,
    ),
    pending: db.prepare<[number, number], MailRow>(`SELECT ${mailColumns} FROM report_mail WHERE sent_at IS NULL AND attempts < ? ORDER BY created_at LIMIT ?`),
    mailFor: db.prepare<[string], MailRow>(`SELECT ${mailColumns} FROM report_mail WHERE department_id = ? ORDER BY created_at, recipient`),
    sent: db.prepare<[string, string]>('UPDATE report_mail SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?'),
    failed: db.prepare<[string, string]>('UPDATE report_mail SET attempts = attempts + 1, last_error = ? WHERE id = ?'),
  };
}
