/**
 * /reports: the process heatmap, throughput, before/after, the monthly report per department
 * and person, and the field KPIs. Filters live in the URL; every table has its CSV link; the
 * layout prints. Staff see their own monthly figures only (the server enforces it too).
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './reports.css';

import { ApiError, api, json, type DefinitionSummary } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { formatDateTime, formatNumber, languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { drawCycle, drawSla, drawThroughput, resizeCharts } from './charts.js';
import { fromUrl, toQuery, type Filters } from './filters.js';
import { percent } from './format.js';
import { Heatmap } from './heatmap.js';
import { reportsApi, reportUrls } from './reports-api.js';
import { compareTable, departmentsTable, fieldTable, peopleTable, visitsTable } from './tables.js';
import type { FieldKpis } from '../../../server/field/field-kpis.js';

/** The field KPIs read this process, when it is deployed. */
const FIELD_PROCESS = 'field-service';

const form = $<HTMLFormElement>('#filters');
const inputs = {
  process: $<HTMLSelectElement>('#f-process'),
  version: $<HTMLSelectElement>('#f-version'),
  from: $<HTMLInputElement>('#f-from'),
  to: $<HTMLInputElement>('#f-to'),
  bucket: $<HTMLSelectElement>('#f-bucket'),
  month: $<HTMLInputElement>('#f-month'),
  department: $<HTMLSelectElement>('#f-department'),
  a: $<HTMLSelectElement>('#f-a'),
  b: $<HTMLSelectElement>('#f-b'),
};
const status = $('#status');
const errorBox = $('#error');

function option(value: string, label: string): HTMLOptionElement {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = label;
  return node;
}

function showError(message: string): void {
  const line = document.createElement('div');
  line.textContent = message;
  errorBox.append(line);
  errorBox.hidden = false;
}

/** What went wrong, in words, for the section `what`. */
function problem(what: string, err: unknown): string {
  if (err instanceof ApiError && err.status === 403) return t('reports:error.forbidden', { message: err.message });
  return t('reports:error.load', { what, message: errorText(err) });
}

async function section(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof SignedOut) throw err;
    showError(problem(what, err));
  }
}

function link(id: string, href: string): void {
  $<HTMLAnchorElement>(id).href = href;
}

async function main(): Promise<void> {
  const session = await requireSession();
  mountTicketSearch($('#user'));
  mountUserBadge($('#user'), session);
  $('#lang').append(languagePicker());
  translatePage();
  const readsAll = session.user.role !== 'staff';
  document.querySelectorAll<HTMLElement>('.process-only').forEach((node) => (node.hidden = !readsAll));
  $('#own-only').hidden = readsAll;
  $('#print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', resizeCharts);
  window.addEventListener('resize', resizeCharts);

  const filters = fromUrl(location.search, new Date());
  const [definitions, departments] = await Promise.all([readsAll ? api.definitions() : Promise.resolve([] as DefinitionSummary[]), api.departments()]);
  const departmentName = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
  inputs.department.append(option('', t('reports:filters.allDepartments')), ...departments.map((d) => option(d.id, d.name)));
  for (const d of definitions) inputs.process.append(option(d.key, d.name || d.key));
  if (!filters.process || !definitions.some((d) => d.key === filters.process)) {
    filters.process = definitions.find((d) => d.key === 'helpdesk-escalation')?.key ?? definitions[0]?.key ?? '';
  }
  const heatmap = readsAll ? new Heatmap($('#canvas')) : null;

  const fillVersions = async () => {
    const versions = filters.process ? (await api.versions(filters.process)).map((v) => v.version).sort((x, y) => x - y) : [];
    const latest = versions[versions.length - 1];
    inputs.version.replaceChildren(option('', t('reports:filters.allVersions')), ...versions.map((v) => option(String(v), `v${v}`)));
    inputs.a.replaceChildren(...versions.map((v) => option(String(v), `v${v}`)));
    inputs.b.replaceChildren(...versions.map((v) => option(String(v), `v${v}`)));
    if (!versions.includes(Number(filters.version))) filters.version = '';
    if (!versions.includes(Number(filters.b))) filters.b = latest ? String(latest) : '';
    if (!versions.includes(Number(filters.a))) filters.a = versions.length > 1 ? String(versions[versions.length - 2]) : filters.b;
    return latest ?? null;
  };

  const show = (f: Filters) => {
    inputs.process.value = f.process;
    inputs.version.value = f.version;
    inputs.from.value = f.from;
    inputs.to.value = f.to;
    inputs.bucket.value = f.bucket;
    inputs.month.value = f.month;
    inputs.department.value = f.department;
    inputs.a.value = f.a;
    inputs.b.value = f.b;
  };

  const load = async () => {
    document.body.dataset['ready'] = 'false';
    status.textContent = t('reports:loading');
    errorBox.replaceChildren();
    errorBox.hidden = true;
    const latest = readsAll ? await fillVersions() : null;
    show(filters);
    history.replaceState(null, '', `${location.pathname}?${toQuery(filters)}`);
    $('#monthly-title').textContent = t('reports:monthly.title', { month: filters.month });
    link('#csv-monthly', reportUrls.monthly(filters, true));
    const work: Promise<void>[] = [
      section(t('reports:monthly.people'), async () => {
        const report = await reportsApi.monthly(filters);
        departmentsTable($<HTMLTableElement>('#departments-table'), report.departments);
        peopleTable($<HTMLTableElement>('#people-table'), report.people, departmentName);
      }),
    ];
    if (readsAll && !filters.process) showError(t('reports:error.noProcess'));
    if (readsAll && heatmap && filters.process && latest !== null) {
      link('#csv-activities', reportUrls.activities(filters, true));
      link('#csv-throughput', reportUrls.throughput(filters, true));
      link('#csv-sla', reportUrls.sla(filters));
      link('#csv-compare', reportUrls.compare(filters, true));
      work.push(
        section(t('reports:heatmap.title'), async () => {
          const version = Number(filters.version) || latest;
          const [report, xml] = await Promise.all([reportsApi.activities(filters), api.xml(filters.process, version)]);
          await heatmap.open(`${filters.process}:${version}`, xml);
          heatmap.show(report);
          $('#bottleneck').textContent = report.bottleneck ? t('reports:heatmap.bottleneckIs', { name: heatmap.nameOf(report.bottleneck) }) : t('reports:heatmap.noBottleneck');
        }),
        section(t('reports:throughput.title'), async () => {
          const report = await reportsApi.throughput(filters);
          drawThroughput($('#chart-throughput'), report);
          drawCycle($('#chart-cycle'), report);
          drawSla($('#chart-sla'), report, departmentName);
          const fcr = report.firstContactResolution;
          $('#fcr').textContent = fcr.resolved
            ? t('reports:throughput.fcr', { rate: percent(fcr.rate), first: formatNumber(fcr.firstContact), resolved: formatNumber(fcr.resolved) })
            : t('reports:throughput.fcrNone');
        }),
        section(t('reports:compare.title'), async () => {
          if (!filters.a || !filters.b) return;
          compareTable($<HTMLTableElement>('#compare-table'), (await reportsApi.compare(filters)).versions);
        }),
      );
    }
    if (readsAll) {
      const fieldDeployed = definitions.some((d) => d.key === FIELD_PROCESS);
      link('#csv-field', reportUrls.field(filters, FIELD_PROCESS, true));
      $('#csv-field').hidden = !fieldDeployed;
      work.push(
        section(t('reports:field.title'), async () => {
          if (!fieldDeployed) {
            $('#field-table').replaceChildren();
            $('#field-table').insertAdjacentText('afterbegin', t('reports:field.noProcess'));
            return;
          }
          fieldTable($<HTMLTableElement>('#field-table'), (await reportsApi.field(filters, FIELD_PROCESS)).technicians);
          // The visits of the chosen month (arrival vs ETA, time on site, travel, parts, ratings).
          const visitsUrl = `/api/field/kpis?month=${encodeURIComponent(filters.month)}`;
          link('#csv-visits', `${visitsUrl}&format=csv`);
          visitsTable($<HTMLTableElement>('#visits-table'), (await json<FieldKpis>('GET', visitsUrl)).technicians);
        }),
      );
    }
    await Promise.all(work);
    status.textContent = t('reports:ready', { time: formatDateTime(new Date()) });
    document.body.dataset['ready'] = 'true';
  };

  inputs.process.addEventListener('change', () => {
    filters.process = inputs.process.value;
    filters.version = '';
    filters.a = '';
    filters.b = '';
    void load().catch(fatal);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    Object.assign(filters, {
      version: inputs.version.value,
      from: inputs.from.value,
      to: inputs.to.value,
      bucket: inputs.bucket.value === 'week' ? 'week' : 'day',
      month: inputs.month.value,
      department: inputs.department.value,
      a: inputs.a.value,
      b: inputs.b.value,
    } satisfies Partial<Filters>);
    void load().catch(fatal);
  });
  await load();
}

function fatal(err: unknown): void {
  if (err instanceof SignedOut) return;
  showError(problem(t('reports:title'), err));
  document.body.dataset['ready'] = 'error';
}

main().catch(fatal);
