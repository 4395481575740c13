/** Wire contracts of the reports (`/api/reports`, `/api/analytics`): their queries and the monthly delivery. */
import { z } from 'zod';

import type { QueryOf } from './common.js';
import { LANGUAGES } from './lists.js';

const format = z.enum(['json', 'csv']).default('json');
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must look like 2026-11 (year-month)');
const name = z.string().min(1).max(200);
const instant = z
  .string()
  .max(40)
  .refine((value) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)), 'must be a date (2026-11-01) or an ISO date-time');
const version = z.coerce.number().int().positive();
const ranged = { from: instant, to: instant, format };

/** `GET /api/reports/monthly`: a month's figures per department and person. */
export const monthlyQuerySchema = z.object({ month, department: name.optional(), person: name.optional(), format }).strict();
/** `GET /api/analytics/processes/:key/activities`: time and counts per activity. */
export const activitiesQuerySchema = z.object({ ...ranged, version: version.optional() }).strict();
/** `…/throughput` and `…/sla`: started and ended per day or week. */
export const throughputQuerySchema = z.object({ ...ranged, bucket: z.enum(['day', 'week']).default('day') }).strict();
/** `…/compare`: two versions side by side. */
export const compareQuerySchema = z.object({ ...ranged, a: version, b: version }).strict();
/** `…/field`: the technicians' figures. */
export const fieldQuerySchema = z.object({ ...ranged, department: name.default('technicians') }).strict();
export const processParamsSchema = z.object({ key: name }).strict();
export const departmentParamsSchema = z.object({ department: name }).strict();
/** `PUT /api/reports/deliveries/:department`: the monthly report by email. */
export const reportDeliverySchema = z
  .object({
    enabled: z.boolean().default(true),
    timeZone: z.string().min(1).max(64),
    hour: z.number().int().min(0).max(23).default(7),
    lang: z.enum(LANGUAGES).default('en'),
    recipients: z.array(z.email().max(254)).min(1).max(50),
  })
  .strict();

export type MonthlyQuery = z.infer<typeof monthlyQuerySchema>;
/** The report queries as the reports page writes them. */
export type MonthlyQueryText = QueryOf<typeof monthlyQuerySchema>;
export type ActivitiesQueryText = QueryOf<typeof activitiesQuerySchema>;
export type ThroughputQueryText = QueryOf<typeof throughputQuerySchema>;
export type CompareQueryText = QueryOf<typeof compareQuerySchema>;
export type FieldQueryText = QueryOf<typeof fieldQuerySchema>;
export type ReportDeliveryBody = z.input<typeof reportDeliverySchema>;
