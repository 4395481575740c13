import { Router, type Response } from 'express';

import {
  activitiesQuerySchema,
  compareQuerySchema,
  departmentParamsSchema,
  fieldQuerySchema,
  monthlyQuerySchema,
  processParamsSchema,
  reportDeliverySchema,
  throughputQuerySchema,
} from '../contracts/analytics.js';
import { InvalidInputError } from '../errors.js';
import { guard } from '../http/roles.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import type { AnalyticsService } from './analytics.service.js';
import type { MonthlyFigures } from './monthly-report.js';
import type { ReportDeliveries } from './report-deliveries.js';
import { READERS } from '../http/roles.js';
import { toCsv } from './report-csv.js';

/** The longest range a report covers: past it the answer would be slow and unreadable. */
const MAX_RANGE_MS = 5 * 366 * 86_400_000;

function rangeOf(query: { from: string; to: string }, bucket?: 'day' | 'week'): { from: string; to: string } {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (!(from < to)) throw new InvalidInputError('from must be before to');
  if (to - from > MAX_RANGE_MS) throw new InvalidInputError('A report covers at most five years; narrow from and to');
  if (bucket === 'day' && to - from > 400 * 86_400_000) throw new InvalidInputError('Daily buckets cover at most 400 days; use bucket=week');
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.type('text/csv').attachment(filename).send(body);
}

const figureColumns = <R extends MonthlyFigures>() =>
  [
    ['resolved', (r: R) => r.resolved],
    ['passedUp', (r: R) => r.passedUp],
    ['handedOver', (r: R) => r.handedOver],
    ['escalated', (r: R) => r.escalated],
    ['reopened', (r: R) => r.reopened],
    ['medianHandlingMs', (r: R) => r.medianHandlingMs],
    ['csatAverage', (r: R) => r.csat.average],
    ['csatCount', (r: R) => r.csat.count],
    ['passedUpCsatAverage', (r: R) => r.passedUpCsat.average],
    ['passedUpCsatCount', (r: R) => r.passedUpCsat.count],
  ] as const;

/** `/api/reports`: the monthly report per department and person. */
export function reportRoutes(analytics: AnalyticsService, deliveries: ReportDeliveries): Router {
  const router = Router();
  router.get('/deliveries', async (req, res) => {
    guard(req, ...READERS);
    res.json(await deliveries.list());
  });
  router.put('/deliveries/:department', async (req, res) => {
    guard(req, 'admin');
    const { department } = parseInput(departmentParamsSchema, req.params, 'department');
    res.json(await deliveries.configure(department, parseInput(reportDeliverySchema, req.body, 'report delivery')));
  });
  router.get('/deliveries/:department/mail', async (req, res) => {
    guard(req, ...READERS);
    const { department } = parseInput(departmentParamsSchema, req.params, 'department');
    res.json(await deliveries.mailFor(department));
  });
  router.get('/monthly', async (req, res) => {
    const query = parseInput(monthlyQuerySchema, req.query, 'monthly report query');
    const report = await analytics.monthly(principalOf(req), query);
    if (query.format === 'json') return void res.json(report);
    // One table: the departments' rows, then the people's, told apart by the first column.
    const rows = [...report.departments.map((d) => ({ ...d, kind: 'department', username: '' })), ...report.people.map((p) => ({ ...p, kind: 'person', department: p.department ?? '' }))];
    type Row = (typeof rows)[number];
    sendCsv(res, `report-${report.month}.csv`, toCsv<Row>(rows, [['kind', (r) => r.kind], ['department', (r) => r.department], ['username', (r) => r.username], ...figureColumns<Row>()]));
  });
  return router;
}

/** `/api/analytics`: process heatmap, throughput, before/after, field KPIs, rebuild. */
export function analyticsRoutes(analytics: AnalyticsService): Router {
  const router = Router();
  router.get('/processes/:key/activities', async (req, res) => {
    const { key } = parseInput(processParamsSchema, req.params, 'process key');
    const query = parseInput(activitiesQuerySchema, req.query, 'activities query');
    const report = await analytics.activities(principalOf(req), key, rangeOf(query), query.version);
    if (query.format === 'json') return void res.json(report);
    type A = (typeof report.activities)[number];
    sendCsv(
      res,
      `activities-${key}.csv`,
      toCsv<A>(report.activities, [
        ['elementId', (a) => a.elementId],
        ['name', (a) => a.name],
        ['count', (a) => a.count],
        ['queueP50Ms', (a) => a.queueMs.p50],
        ['queueP90Ms', (a) => a.queueMs.p90],
        ['workP50Ms', (a) => a.workMs.p50],
        ['workP90Ms', (a) => a.workMs.p90],
        ['waitingOnCustomerP50Ms', (a) => a.waitingOnCustomerMs.p50],
        ['slaBreached', (a) => a.slaBreached],
        ['bottleneck', (a) => a.elementId === report.bottleneck],
      ]),
    );
  });
  router.get('/processes/:key/throughput', async (req, res) => {
    const { key } = parseInput(processParamsSchema, req.params, 'process key');
    const query = parseInput(throughputQuerySchema, req.query, 'throughput query');
    const report = await analytics.throughput(principalOf(req), key, rangeOf(query, query.bucket), query.bucket);
    if (query.format === 'json') return void res.json(report);
    type B = (typeof report.buckets)[number];
    sendCsv(
      res,
      `throughput-${key}.csv`,
      toCsv<B>(report.buckets, [
        ['start', (b) => b.start],
        ['started', (b) => b.started],
        ['finished', (b) => b.finished],
        ['backlog', (b) => b.backlog],
        ['cycleP50Ms', (b) => b.cycleMs.p50],
        ['cycleP90Ms', (b) => b.cycleMs.p90],
      ]),
    );
  });
  router.get('/processes/:key/sla', async (req, res) => {
    const { key } = parseInput(processParamsSchema, req.params, 'process key');
    const query = parseInput(throughputQuerySchema, req.query, 'SLA query');
    const report = await analytics.throughput(principalOf(req), key, rangeOf(query), query.bucket);
    if (query.format === 'json') return void res.json({ sla: report.sla, firstContactResolution: report.firstContactResolution });
    type S = (typeof report.sla)[number];
    sendCsv(
      res,
      `sla-${key}.csv`,
      toCsv<S>(report.sla, [
        ['department', (s) => s.department],
        ['met', (s) => s.met],
        ['breached', (s) => s.breached],
      ]),
    );
  });
  router.get('/processes/:key/compare', async (req, res) => {
    const { key } = parseInput(processParamsSchema, req.params, 'process key');
    const query = parseInput(compareQuerySchema, req.query, 'comparison query');
    const report = await analytics.compare(principalOf(req), key, rangeOf(query), [query.a, query.b]);
    if (query.format === 'json') return void res.json(report);
    type V = (typeof report.versions)[number];
    sendCsv(
      res,
      `compare-${key}.csv`,
      toCsv<V>(report.versions, [
        ['version', (v) => v.version],
        ['started', (v) => v.started],
        ['finished', (v) => v.finished],
        ['cycleP50Ms', (v) => v.cycleMs.p50],
        ['cycleP90Ms', (v) => v.cycleMs.p90],
        ['slaMet', (v) => v.sla.met],
        ['slaBreached', (v) => v.sla.breached],
        ['slaMetRate', (v) => v.sla.rate],
        ['passUpRate', (v) => v.passUpRate],
        ['csatAverage', (v) => v.csat.average],
        ['csatCount', (v) => v.csat.count],
      ]),
    );
  });
  router.get('/processes/:key/field', async (req, res) => {
    const { key } = parseInput(processParamsSchema, req.params, 'process key');
    const query = parseInput(fieldQuerySchema, req.query, 'field KPI query');
    const report = await analytics.field(principalOf(req), key, rangeOf(query), query.department);
    if (query.format === 'json') return void res.json(report);
    type T = (typeof report.technicians)[number];
    sendCsv(
      res,
      `field-${key}.csv`,
      toCsv<T>(report.technicians, [
        ['username', (t) => t.username],
        ['jobs', (t) => t.jobs],
        ['firstTimeFix', (t) => t.firstTimeFix],
        ['firstTimeFixRate', (t) => t.firstTimeFixRate],
        ['onTime', (t) => t.onTime],
        ['onTimeRate', (t) => t.onTimeRate],
        ['medianJobMs', (t) => t.medianJobMs],
      ]),
    );
  });
  router.post('/rebuild', async (req, res) => {
    guard(req, 'admin');
    res.json(await analytics.rebuild());
  });
  return router;
}
