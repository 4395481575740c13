import express, { Router } from 'express';

import { assetSchema, declineSchema, fieldIdSchema, fieldKpiQuerySchema, fieldPagingSchema, overrideSchema, partSchema, stockQuerySchema, stockSchema, warehouseSchema } from '../contracts/field.js';
import { guard, WORKERS } from '../http/roles.js';
import { principalOf } from '../http/principal.js';
import { parseInput } from '../http/validate.js';
import { parseCsvRows } from './field-csv.js';
import type { FieldService } from './field.service.js';
import type { VisitService } from './visit.service.js';
import type { FieldKpis } from './field-kpis.js';
import { ForbiddenError } from '../errors.js';

const csvBody = express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '2mb' });
const num = (value: string | undefined) => (value === undefined || value === '' ? undefined : Number(value));

/** Parts, warehouses, stock and assets: everyone signed in reads, admins (assets: process owners too) write. */
export function fieldRoutes(field: FieldService, visits: VisitService, kpis: (month: string, only?: string) => Promise<FieldKpis>): Router {
  const router = Router();

  router.get('/parts', async (_req, res) => {
    res.json(await field.parts());
  });
  router.post('/parts', async (req, res) => {
    guard(req, 'admin');
    const { part, created } = await field.putPart(parseInput(partSchema, req.body ?? {}, 'part'));
    res.status(created ? 201 : 200).json(part);
  });
  router.post('/parts/import', csvBody, async (req, res) => {
    guard(req, 'admin');
    const rows = parseCsvRows(String(req.body ?? ''), partSchema, 'parts', (row) => ({ sku: row['sku'], name: row['name'], price: num(row['price']) }));
    for (const row of rows) await field.putPart(row);
    res.json({ imported: rows.length });
  });

  router.get('/warehouses', async (_req, res) => {
    res.json(await field.warehouses());
  });
  router.post('/warehouses', async (req, res) => {
    guard(req, 'admin');
    res.status(201).json(await field.putWarehouse(parseInput(warehouseSchema, req.body ?? {}, 'warehouse')));
  });

  router.get('/stock', async (req, res) => {
    const query = parseInput(stockQuerySchema, req.query, 'stock query');
    res.json(await field.stock({ ...(query.location ? { location: query.location } : {}), ...(query.sku ? { skus: [query.sku] } : {}) }));
  });
  router.put('/stock/:location/:sku', async (req, res) => {
    guard(req, 'admin');
    const location = parseInput(fieldIdSchema, req.params.location, 'stock location');
    const sku = parseInput(fieldIdSchema, req.params.sku, 'sku');
    res.json(await field.setStock(location, sku, parseInput(stockSchema, req.body ?? {}, 'stock').quantity));
  });

  router.get('/assets', async (req, res) => {
    res.json(await field.assets(parseInput(fieldPagingSchema, req.query, 'paging')));
  });
  router.get('/assets/:id', async (req, res) => {
    res.json(await field.asset(parseInput(fieldIdSchema, req.params.id, 'asset id')));
  });
  router.post('/assets', async (req, res) => {
    guard(req, 'admin', 'process-owner');
    const input = parseInput(assetSchema, req.body ?? {}, 'asset');
    const { asset, created } = await field.putAsset({ ...input, customerEmail: input.customerEmail ?? null, requiredSkills: input.requiredSkills ?? [] });
    res.status(created ? 201 : 200).json(asset);
  });
  router.post('/assets/import', csvBody, async (req, res) => {
    guard(req, 'admin', 'process-owner');
    const rows = parseCsvRows(String(req.body ?? ''), assetSchema, 'assets', (row) => ({
      id: row['id'],
      type: row['type'],
      customerEmail: row['customerEmail'] || null,
      address: row['address'],
      lat: num(row['lat']),
      lon: num(row['lon']),
      requiredSkills: row['requiredSkills']
        ? row['requiredSkills']
            .split(/[;|]/)
            .map((skill) => skill.trim())
            .filter(Boolean)
        : [],
    }));
    for (const row of rows) await field.putAsset({ ...row, customerEmail: row.customerEmail ?? null, requiredSkills: row.requiredSkills ?? [] });
    res.json({ imported: rows.length });
  });

  router.post('/instances/:id/dispatch', async (req, res) => {
    guard(req, ...WORKERS);
    const body = parseInput(overrideSchema, req.body ?? {}, 'dispatch');
    const result = await field.override(principalOf(req), req.params.id, body.technician, body.reason);
    res.json({ taskId: result.taskId, technician: result.technician, candidates: result.plan.decision.candidates });
  });
  router.post('/tasks/:id/decline', async (req, res) => {
    guard(req, ...WORKERS);
    const body = parseInput(declineSchema, req.body ?? {}, 'decline');
    const result = await field.decline(principalOf(req), req.params.id, body.reason);
    res.json({ taskId: result.taskId, technician: result.technician, reason: result.plan.decision.reason || null, candidates: result.plan.decision.candidates });
  });

  router.get('/field/kpis', async (req, res) => {
    const query = parseInput(fieldKpiQuerySchema, req.query, 'KPI query');
    const principal = principalOf(req);
    // Staff see their own figures only; readers anyone's.
    if (principal.role === 'staff' && query.technician !== undefined && query.technician !== principal.username) throw new ForbiddenError('Staff see their own figures only');
    const only = principal.role === 'staff' ? principal.username : query.technician;
    const figures = await kpis(query.month, only);
    if (query.format === 'json') {
      res.json(figures);
      return;
    }
    const header = ['username', 'visits', 'firstVisits', 'firstTimeFixRate', 'arrivals', 'onTimeRate', 'medianTimeOnSiteMs', 'travelKm', 'partsUsed', 'csatAverage', 'csatCount'];
    const cell = (value: unknown) => {
      const text = value === null || value === undefined ? '' : String(value);
      // Spreadsheets run a cell that starts with = + - @ as a formula: defuse it.
      const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const lines = figures.technicians.map((row) =>
      [row.username, row.visits, row.firstVisits, row.firstTimeFixRate, row.arrivals, row.onTimeRate, row.medianTimeOnSiteMs, row.travelKm, row.partsUsed, row.csat.average, row.csat.count]
        .map(cell)
        .join(','),
    );
    res
      .type('text/csv')
      .set('content-disposition', `attachment; filename="field-kpis-${query.month}.csv"`)
      .send([header.join(','), ...lines].join('\n') + '\n');
  });

  router.get('/technician/visits', async (req, res) => {
    res.json(await visits.day(principalOf(req)));
  });
  router.post('/tasks/:id/on-my-way', async (req, res) => {
    res.json(await visits.onMyWay(principalOf(req), req.params.id));
  });
  router.post('/tasks/:id/arrived', async (req, res) => {
    res.json(await visits.arrived(principalOf(req), req.params.id));
  });

  return router;
}
