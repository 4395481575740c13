/** The report's tables: text cells only (names come from users and diagrams). */
import type { MonthlyDepartment, MonthlyPerson } from '../../../server/analytics/monthly-report.js';
import type { FieldTechnician, VersionFigures } from '../../../server/analytics/process-report.js';
import type { TechnicianKpis } from '../../../server/field/field-kpis.js';
import { formatNumber, t } from '../shared/i18n.js';
import { csat, duration, num, percent } from './format.js';

interface Column<R> {
  label: string;
  value: (row: R) => string;
  numeric?: boolean;
}

export function fillTable<R>(table: HTMLTableElement, columns: Column<R>[], rows: R[], key?: (row: R) => string): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.textContent = column.label;
    th.scope = 'col';
    if (column.numeric) th.className = 'num';
    head.append(th);
  }
  const body = table.createTBody();
  if (rows.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = columns.length;
    cell.className = 'muted';
    cell.textContent = t('reports:noData');
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    if (key) tr.dataset['row'] = key(row);
    for (const column of columns) {
      const td = tr.insertCell();
      td.textContent = column.value(row);
      if (column.numeric) td.className = 'num';
    }
  }
}

const count = (n: number) => formatNumber(n);

function figureColumns<R extends MonthlyDepartment | MonthlyPerson>(): Column<R>[] {
  return [
    { label: t('reports:monthly.resolved'), value: (r) => count(r.resolved), numeric: true },
    { label: t('reports:monthly.passedUp'), value: (r) => count(r.passedUp), numeric: true },
    { label: t('reports:monthly.handedOver'), value: (r) => count(r.handedOver), numeric: true },
    { label: t('reports:monthly.escalated'), value: (r) => count(r.escalated), numeric: true },
    { label: t('reports:monthly.reopened'), value: (r) => count(r.reopened), numeric: true },
    { label: t('reports:monthly.handling'), value: (r) => duration(r.medianHandlingMs), numeric: true },
    { label: t('reports:monthly.csat'), value: (r) => csat(r.csat), numeric: true },
    { label: t('reports:monthly.passedUpCsat'), value: (r) => csat(r.passedUpCsat), numeric: true },
  ];
}

export function departmentsTable(table: HTMLTableElement, rows: MonthlyDepartment[]): void {
  fillTable(table, [{ label: t('reports:monthly.department'), value: (r) => r.name }, ...figureColumns<MonthlyDepartment>()], rows, (r) => r.department);
}

export function peopleTable(table: HTMLTableElement, rows: MonthlyPerson[], departmentName: (id: string) => string): void {
  fillTable(
    table,
    [
      { label: t('reports:monthly.person'), value: (r) => r.username },
      { label: t('reports:monthly.department'), value: (r) => (r.department ? departmentName(r.department) : t('reports:none')) },
      ...figureColumns<MonthlyPerson>(),
    ],
    rows,
    (r) => r.username,
  );
}

export function compareTable(table: HTMLTableElement, rows: VersionFigures[]): void {
  fillTable(
    table,
    [
      { label: t('reports:compare.version'), value: (r) => `v${r.version}` },
      { label: t('reports:compare.started'), value: (r) => count(r.started), numeric: true },
      { label: t('reports:compare.finished'), value: (r) => count(r.finished), numeric: true },
      { label: t('reports:compare.cycleP50'), value: (r) => duration(r.cycleMs.p50), numeric: true },
      { label: t('reports:compare.cycleP90'), value: (r) => duration(r.cycleMs.p90), numeric: true },
      { label: t('reports:compare.slaMet'), value: (r) => percent(r.sla.rate), numeric: true },
      { label: t('reports:compare.passUpRate'), value: (r) => num(r.passUpRate), numeric: true },
      { label: t('reports:compare.csat'), value: (r) => csat(r.csat), numeric: true },
    ],
    rows,
    (r) => String(r.version),
  );
}

export function fieldTable(table: HTMLTableElement, rows: FieldTechnician[]): void {
  fillTable(
    table,
    [
      { label: t('reports:field.technician'), value: (r) => r.username },
      { label: t('reports:field.jobs'), value: (r) => count(r.jobs), numeric: true },
      { label: t('reports:field.firstTimeFix'), value: (r) => percent(r.firstTimeFixRate), numeric: true },
      { label: t('reports:field.onTime'), value: (r) => percent(r.onTimeRate), numeric: true },
      { label: t('reports:field.medianJob'), value: (r) => duration(r.medianJobMs), numeric: true },
    ],
    rows,
    (r) => r.username,
  );
}

/** The visits on site in a month (GET /api/field/kpis): arrival against the promised ETA, time on site, travel, parts, ratings. */
export function visitsTable(table: HTMLTableElement, rows: TechnicianKpis[]): void {
  fillTable(
    table,
    [
      { label: t('reports:field.technician'), value: (r) => r.username },
      { label: t('reports:visits.visits'), value: (r) => count(r.visits), numeric: true },
      { label: t('reports:visits.onTimeArrival'), value: (r) => percent(r.onTimeRate), numeric: true },
      { label: t('reports:visits.timeOnSite'), value: (r) => duration(r.medianTimeOnSiteMs), numeric: true },
      { label: t('reports:visits.travelKm'), value: (r) => formatNumber(r.travelKm, { maximumFractionDigits: 1 }), numeric: true },
      { label: t('reports:visits.partsUsed'), value: (r) => count(r.partsUsed), numeric: true },
      { label: t('reports:visits.csat'), value: (r) => csat(r.csat), numeric: true },
    ],
    rows,
    (r) => r.username,
  );
}
