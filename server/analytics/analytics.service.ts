import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { DefinitionService } from '../definitions/definition.service.js';
import type { DepartmentStore } from '../departments/department.store.js';
import { ForbiddenError, UnavailableError } from '../errors.js';
import type { UserStore } from '../users/user.store.js';
import type { AnalyticsProjector } from './analytics-projector.js';
import type { AnalyticsStore, TimeRange } from './analytics.store.js';
import { elementNames } from './element-names.js';
import { monthlyReport, type MonthlyReport } from './monthly-report.js';
import { activitiesReport, fieldReport, throughputReport, versionFigures, type ActivitiesReport, type FieldTechnician, type ThroughputReport, type VersionFigures } from './process-report.js';

/** Who reads every figure; staff read only their own (the monthly report's row about them). */
const READS_ALL = new Set(['admin', 'auditor', 'process-owner']);

export interface MonthlyQuery {
  month: string;
  department?: string;
  person?: string;
}

/** The month `YYYY-MM` as a UTC range. */
export function monthRange(month: string): TimeRange {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(year, m - 1, 1)).toISOString(), to: new Date(Date.UTC(year, m, 1)).toISOString() };
}

export interface AnalyticsDeps {
  store: AnalyticsStore | null;
  projector: AnalyticsProjector | null;
  definitions: DefinitionService;
  users: UserStore;
  departments: DepartmentStore;
  clock: Clock;
}

/** The reports: access rules, then a catch-up of the projections, then one snapshot read. */
export class AnalyticsService {
  private readonly names = new Map<string, Promise<Record<string, string>>>();

  constructor(private readonly deps: AnalyticsDeps) {}

  async monthly(principal: Principal, query: MonthlyQuery): Promise<MonthlyReport> {
    const readsAll = READS_ALL.has(principal.role);
    if (!readsAll) {
      if (query.department !== undefined) throw new ForbiddenError('Staff see their own figures only, not a department’s');
      if (query.person !== undefined && query.person !== principal.username) throw new ForbiddenError('Staff see their own figures only');
    }
    const person = readsAll ? query.person : principal.username;
    const report = await this.report(query.month);
    return {
      month: report.month,
      departments: readsAll ? report.departments.filter((d) => query.department === undefined || d.department === query.department) : [],
      people: report.people.filter((p) => (person === undefined || p.username === person) && (query.department === undefined || p.department === query.department)),
    };
  }

  /** The whole month, for Baton itself (the monthly email): no access rule applies. */
  async report(month: string): Promise<MonthlyReport> {
    const store = await this.ready();
    const [facts, users, departments] = await Promise.all([store.monthlyFacts(monthRange(month)), this.deps.users.list(), this.deps.departments.list()]);
    const home = new Map(users.map((u) => [u.username, u.departments[0] ?? null]));
    const names = new Map(departments.map((d) => [d.id, d.name]));
    return monthlyReport(
      month,
      facts,
      (u) => home.get(u) ?? null,
      (d) => names.get(d) ?? d,
    );
  }

  async activities(principal: Principal, key: string, range: TimeRange, version?: number): Promise<ActivitiesReport> {
    this.readsProcesses(principal);
    const drawn = version ?? (await this.deps.definitions.latest(key)).version;
    const [names, store] = await Promise.all([this.namesOf(key, drawn), this.ready()]);
    const facts = await store.activityFacts(key, range, version);
    return activitiesReport(key, version ?? null, range, facts, names, this.deps.clock.now().getTime());
  }

  async throughput(principal: Principal, key: string, range: TimeRange, bucket: 'day' | 'week'): Promise<ThroughputReport> {
    this.readsProcesses(principal);
    await this.deps.definitions.latest(key);
    const facts = await (await this.ready()).processFacts(key, range);
    return throughputReport(key, range, bucket, facts, this.deps.clock.now().getTime());
  }

  /** Before/after: the same figures for two versions, over tickets started in the range. */
  async compare(principal: Principal, key: string, range: TimeRange, versions: [number, number]): Promise<{ processKey: string; from: string; to: string; versions: VersionFigures[] }> {
    this.readsProcesses(principal);
    for (const v of versions) await this.deps.definitions.xml(key, v);
    const facts = await (await this.ready()).processFacts(key, range);
    const now = this.deps.clock.now().getTime();
    return { processKey: key, from: range.from, to: range.to, versions: versions.map((v) => versionFigures(v, facts, range, now)) };
  }

  async field(principal: Principal, key: string, range: TimeRange, department: string): Promise<{ processKey: string; from: string; to: string; department: string; technicians: FieldTechnician[] }> {
    this.readsProcesses(principal);
    await this.deps.definitions.latest(key);
    const facts = await (await this.ready()).processFacts(key, range);
    return { processKey: key, from: range.from, to: range.to, department, technicians: fieldReport(facts, department) };
  }

  /** Drops the projections and folds the whole audit log again (admin). */
  async rebuild(): Promise<{ events: number }> {
    if (!this.deps.projector) throw unavailable();
    return { events: await this.deps.projector.rebuild() };
  }

  private readsProcesses(principal: Principal): void {
    if (!READS_ALL.has(principal.role)) throw new ForbiddenError('Process analytics are for process owners, administrators and auditors; staff see their own figures in the monthly report');
  }

  /** The projections, caught up with every step committed before the request. */
  private async ready(): Promise<AnalyticsStore> {
    const { store, projector } = this.deps;
    if (!store || !projector) throw unavailable();
    await projector.catchUp();
    return store;
  }

  private namesOf(key: string, version: number): Promise<Record<string, string>> {
    const id = `${key}:${version}`;
    let names = this.names.get(id);
    if (!names) {
      names = this.deps.definitions.xml(key, version).then(elementNames);
      names.catch(() => this.names.delete(id));
      this.names.set(id, names);
    }
    return names;
  }
}

function unavailable(): UnavailableError {
  return new UnavailableError('Reports are not available on this store yet');
}
