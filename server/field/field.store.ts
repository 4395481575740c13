import type { Asset, AssetTicket, Part, StockLevel, StockMove, TechnicianProfile, Warehouse } from './field.js';

/**
 * Field service resources. Stock changes made by a process step (reservations, parts used) are
 * written with the step (`StepWrite.stockMoves`); the writes here are the administrators' own.
 */
export interface FieldStore {
  putProfile(profile: TechnicianProfile): Promise<void>;
  getProfile(username: string): Promise<TechnicianProfile | null>;
  profiles(usernames: string[]): Promise<TechnicianProfile[]>;

  putPart(part: Part): Promise<void>;
  getPart(sku: string): Promise<Part | null>;
  parts(): Promise<Part[]>;

  putWarehouse(warehouse: Warehouse): Promise<void>;
  warehouses(): Promise<Warehouse[]>;

  /** Sets the counted quantity of one sku at one location (reservations are kept). */
  setStock(location: string, sku: string, quantity: number, at: string): Promise<StockLevel>;
  /** Stock rows, optionally of one location or of some skus. */
  stock(filter: { location?: string; skus?: string[] }): Promise<StockLevel[]>;
  /** The stock moves a ticket made (reserved, used, released), oldest first. */
  movesOf(instanceId: string): Promise<StockMove[]>;

  putAsset(asset: Asset): Promise<void>;
  getAsset(id: string): Promise<Asset | null>;
  assets(filter: { limit?: number; offset?: number }): Promise<Asset[]>;
  /** Tickets whose `equipmentId` (or `assetId`) variable names the asset, newest first. */
  ticketsOf(assetId: string): Promise<AssetTicket[]>;
}
