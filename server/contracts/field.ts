/** Wire contracts of the field service routes (`/api/parts`, `/api/warehouses`, `/api/stock`, `/api/assets`, visits). */
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
/** A part's sku, a warehouse's or asset's id. */
export const fieldIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, 'letters, digits and . _ : / - (at most 100)');
const id = fieldIdSchema;
const lat = z.number().finite().min(-90).max(90);
const lon = z.number().finite().min(-180).max(180);
const skills = z.array(text(100)).max(50);

export const placeSchema = z.object({ address: text(500), lat, lon }).strict();

export const partSchema = z.object({ sku: id, name: text(200), price: z.number().finite().min(0).max(1e9) }).strict();
export const warehouseSchema = z.object({ id, name: text(200), address: text(500), lat, lon }).strict();
export const stockSchema = z.object({ quantity: z.number().int().min(0).max(1e9) }).strict();
export const assetSchema = z
  .object({
    id,
    type: text(100),
    customerEmail: z.string().trim().email().max(320).nullable().optional(),
    address: text(500),
    lat,
    lon,
    requiredSkills: skills.optional(),
  })
  .strict();
export const overrideSchema = z.object({ technician: text(64), reason: text(2000) }).strict();
export const declineSchema = z.object({ reason: text(2000) }).strict();
/** Field lists page by 100 unless told. */
export const fieldPagingSchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) });

/** `GET /api/stock`: one location's or one part's levels. */
export const stockQuerySchema = z.object({ location: id.optional(), sku: id.optional() });
/** The field KPIs of a month, for everyone or one technician, as JSON or CSV. */
export const fieldKpiQuerySchema = z
  .object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'), technician: text(64).optional(), format: z.enum(['json', 'csv']).default('json') })
  .strict();

export type Place = z.infer<typeof placeSchema>;
export type PartBody = z.input<typeof partSchema>;
export type WarehouseBody = z.input<typeof warehouseSchema>;
export type StockBody = z.input<typeof stockSchema>;
export type AssetBody = z.input<typeof assetSchema>;
export type OverrideBody = z.input<typeof overrideSchema>;
export type DeclineBody = z.input<typeof declineSchema>;
