/** The report endpoints the page reads (`/api/reports`, `/api/analytics`). */
import type { ActivitiesQueryText, CompareQueryText, FieldQueryText, MonthlyQueryText, ThroughputQueryText } from '../../../server/contracts/analytics.js';
import type { MonthlyReport } from '../../../server/analytics/monthly-report.js';
import type { ActivitiesReport, FieldTechnician, ThroughputReport, VersionFigures } from '../../../server/analytics/process-report.js';
import { json } from '../shared/api.js';
import type { Filters } from './filters.js';

const enc = encodeURIComponent;

/** The query string of a report: its contract's fields, empty ones left out. */
const query = (params: MonthlyQueryText | ActivitiesQueryText | ThroughputQueryText | CompareQueryText | FieldQueryText, csv = false) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, String(value));
  if (csv) search.set('format', 'csv');
  return search.toString();
};

/** Each report's URL from the filters; `csv` gives its download link. */
export const reportUrls = {
  monthly: (f: Filters, csv = false) => `/api/reports/monthly?${query({ month: f.month, department: f.department } satisfies MonthlyQueryText, csv)}`,
  activities: (f: Filters, csv = false) => `/api/analytics/processes/${enc(f.process)}/activities?${query({ from: f.from, to: f.to, version: f.version } satisfies ActivitiesQueryText, csv)}`,
  throughput: (f: Filters, csv = false) => `/api/analytics/processes/${enc(f.process)}/throughput?${query({ from: f.from, to: f.to, bucket: f.bucket } satisfies ThroughputQueryText, csv)}`,
  sla: (f: Filters) => `/api/analytics/processes/${enc(f.process)}/sla?${query({ from: f.from, to: f.to } satisfies ThroughputQueryText, true)}`,
  compare: (f: Filters, csv = false) => `/api/analytics/processes/${enc(f.process)}/compare?${query({ from: f.from, to: f.to, a: f.a, b: f.b } satisfies CompareQueryText, csv)}`,
  field: (f: Filters, key: string, csv = false) => `/api/analytics/processes/${enc(key)}/field?${query({ from: f.from, to: f.to } satisfies FieldQueryText, csv)}`,
};

export const reportsApi = {
  monthly: (f: Filters) => json<MonthlyReport>('GET', reportUrls.monthly(f)),
  activities: (f: Filters) => json<ActivitiesReport>('GET', reportUrls.activities(f)),
  throughput: (f: Filters) => json<ThroughputReport>('GET', reportUrls.throughput(f)),
  compare: (f: Filters) => json<{ versions: VersionFigures[] }>('GET', reportUrls.compare(f)),
  field: (f: Filters, key: string) => json<{ technicians: FieldTechnician[] }>('GET', reportUrls.field(f, key)),
};
