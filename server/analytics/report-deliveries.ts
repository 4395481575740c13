import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { Clock } from '../clock.js';
import type { DepartmentService } from '../departments/department.service.js';
import { InvalidInputError, UnavailableError } from '../errors.js';
import { translator, type Lang } from '../i18n/i18n.js';
import { MailTransportUnavailableError, type MailTransport } from '../outbox/mail-transport.js';
import type { AnalyticsService } from './analytics.service.js';
import type { MonthlyDepartment, MonthlyReport } from './monthly-report.js';
import type { ReportDelivery, ReportDeliveryStore, ReportMail } from './report-delivery.store.js';
import { isTimeZone, nextDelivery, reportedMonth } from './report-schedule.js';

export interface DeliverySettings {
  enabled: boolean;
  timeZone: string;
  hour: number;
  lang: Lang;
  recipients: string[];
}

export interface ReportDeliveriesOptions {
  publicUrl: string;
  /** How often due deliveries and unsent mail are looked for. */
  pollMs: number;
  maxAttempts: number;
}

/**
 * The monthly report by email: on the 1st of each month (in each department's time zone, at its
 * hour) the previous month's summary goes to the department's head and the process owners, with
 * a link to /reports. The due time is a row (durable: a Baton down on the 1st delivers when it
 * starts), and queuing the mails moves it in the same transaction, so a month is sent once.
 */
export class ReportDeliveries {
  private handle: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: ReportDeliveryStore | null,
    private readonly analytics: AnalyticsService,
    private readonly departments: DepartmentService,
    private readonly transport: MailTransport | null,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ReportDeliveriesOptions,
  ) {}

  async list(): Promise<ReportDelivery[]> {
    return this.need().list();
  }

  /** Sets a department's delivery; the next one is the coming 1st. */
  async configure(departmentId: string, settings: DeliverySettings): Promise<ReportDelivery> {
    const store = this.need();
    await this.departments.get(departmentId);
    if (!isTimeZone(settings.timeZone)) throw new InvalidInputError(`Unknown time zone '${settings.timeZone}': use an IANA name such as Europe/Moscow`);
    const now = this.clock.now();
    const delivery: ReportDelivery = { departmentId, ...settings, nextDueAt: nextDelivery(now, settings.timeZone, settings.hour), updatedAt: now.toISOString() };
    await store.put(delivery);
    return delivery;
  }

  async mailFor(departmentId: string): Promise<ReportMail[]> {
    return this.need().mailFor(departmentId);
  }

  start(): void {
    if (this.handle || !this.store) return;
    this.handle = setInterval(() => {
      this.tick().catch((err: unknown) => this.logger.error({ err }, 'report delivery failed; retried on the next poll'));
    }, this.options.pollMs);
    this.handle.unref();
  }

  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    await this.running;
  }

  /** Queues every due delivery, then sends unsent report mail. One tick at a time. */
  tick(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    if (!this.store) return;
    const now = this.clock.now();
    const reports = new Map<string, Promise<MonthlyReport>>();
    for (const delivery of await this.store.due(now.toISOString(), 100)) {
      const month = reportedMonth(delivery.nextDueAt, delivery.timeZone);
      let report = reports.get(month);
      if (!report) {
        report = this.analytics.report(month);
        reports.set(month, report);
      }
      const mails = this.mails(delivery, month, await report, now);
      const next = nextDelivery(new Date(Date.parse(delivery.nextDueAt) + 1), delivery.timeZone, delivery.hour);
      if (await this.store.deliver(delivery.departmentId, delivery.nextDueAt, next, mails)) {
        this.logger.info({ department: delivery.departmentId, month, recipients: mails.length }, 'monthly report queued');
      }
    }
    await this.send();
  }

  private mails(delivery: ReportDelivery, month: string, report: MonthlyReport, now: Date): ReportMail[] {
    const t = translator(delivery.lang);
    const department = report.departments.find((d) => d.department === delivery.departmentId);
    const name = department?.name ?? delivery.departmentId;
    const [year, m] = month.split('-').map(Number) as [number, number];
    const monthName = new Intl.DateTimeFormat(delivery.lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, m - 1, 1)));
    const link = `${this.options.publicUrl}/reports?month=${month}&department=${encodeURIComponent(delivery.departmentId)}`;
    const lines = department ? this.summary(t, department, report, delivery.departmentId, name, monthName, delivery.lang) : [t('reports:email.none', { month: monthName })];
    const body = `${[...lines, '', t('reports:email.link', { link })].join('\n')}\n`;
    const subject = t('reports:email.subject', { department: name, month: monthName });
    return delivery.recipients.map((recipient) => ({
      id: randomUUID(),
      departmentId: delivery.departmentId,
      month,
      recipient,
      subject,
      body,
      createdAt: now.toISOString(),
      sentAt: null,
      attempts: 0,
      lastError: null,
    }));
  }

  private summary(t: ReturnType<typeof translator>, d: MonthlyDepartment, report: MonthlyReport, departmentId: string, name: string, monthName: string, lang: Lang): string[] {
    const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    const csat = d.csat.average === null ? t('reports:email.noCsat') : t('reports:email.csat', { average: number.format(d.csat.average), count: d.csat.count });
    const top = report.people
      .filter((p) => p.department === departmentId && p.resolved > 0)
      .sort((a, b) => b.resolved - a.resolved || a.username.localeCompare(b.username))
      .slice(0, 3)
      .map((p) => `${p.username} (${p.resolved})`);
    return [
      t('reports:email.intro', { department: name, month: monthName }),
      t('reports:email.figures', { resolved: d.resolved, passedUp: d.passedUp, handedOver: d.handedOver, escalated: d.escalated, reopened: d.reopened }),
      t('reports:email.handling', { handling: duration(t, d.medianHandlingMs), csat }),
      ...(top.length ? [t('reports:email.top', { people: top.join(', ') })] : []),
    ];
  }

  private async send(): Promise<void> {
    if (!this.transport || !this.store) return;
    for (const mail of await this.store.pendingMail(50, this.options.maxAttempts)) {
      try {
        await this.transport.send({ to: mail.recipient, subject: mail.subject, body: mail.body, idempotencyKey: `report:${mail.id}` });
        await this.store.markSent(mail.id, this.clock.now().toISOString());
      } catch (err) {
        // The server is away: nothing is wrong with the mail, so it keeps its attempts.
        if (err instanceof MailTransportUnavailableError) return;
        await this.store.markFailed(mail.id, err instanceof Error ? err.message : String(err));
      }
    }
  }

  private need(): ReportDeliveryStore {
    if (!this.store) throw new UnavailableError('Report delivery is not available on this store yet');
    return this.store;
  }
}

function duration(t: ReturnType<typeof translator>, ms: number | null): string {
  if (ms === null) return t('reports:none');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t('reports:unit.lessThanMinute');
  if (minutes < 60) return t('reports:unit.min', { n: minutes });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${t('reports:unit.h', { n: hours })} ${t('reports:unit.min', { n: rest })}` : t('reports:unit.h', { n: hours });
}
