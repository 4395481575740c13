import type { Lang } from '../i18n/languages.js';

/** How and when a department's monthly report is emailed. */
export interface ReportDelivery {
  departmentId: string;
  enabled: boolean;
  /** IANA zone the "1st of the month" is in, e.g. Europe/Moscow. */
  timeZone: string;
  /** Local hour of the 1st at which the report goes out. */
  hour: number;
  lang: Lang;
  /** The department head and the process owners. */
  recipients: string[];
  /** The next delivery, UTC. */
  nextDueAt: string;
  updatedAt: string;
}

/** One report email: the reports' own outbox row. */
export interface ReportMail {
  id: string;
  departmentId: string;
  /** YYYY-MM the report covers. */
  month: string;
  recipient: string;
  subject: string;
  body: string;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
}

export interface ReportDeliveryStore {
  list(): Promise<ReportDelivery[]>;
  get(departmentId: string): Promise<ReportDelivery | null>;
  put(delivery: ReportDelivery): Promise<void>;
  /** Enabled deliveries due at or before `at`, soonest first. */
  due(at: string, limit: number): Promise<ReportDelivery[]>;
  /**
   * Queues the mails and moves the delivery's next due time, in one transaction, only if it is
   * still due at `dueAt` (a second node that got there first wins; false then). A mail already
   * queued for that department, month and recipient is kept, not doubled.
   */
  deliver(departmentId: string, dueAt: string, nextDueAt: string, mails: ReportMail[]): Promise<boolean>;
  pendingMail(limit: number, maxAttempts: number): Promise<ReportMail[]>;
  mailFor(departmentId: string): Promise<ReportMail[]>;
  markSent(id: string, at: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
}
