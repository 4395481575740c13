/** Field service resources (issue 17): technicians' profiles, parts and stock, assets. */

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Place extends GeoPoint {
  address: string;
}

/** What a user needs beyond their account to be dispatched: where they start, how much they take on. */
export interface TechnicianProfile {
  username: string;
  home: Place | null;
  /** Visits a day at most; dispatch skips a technician at the limit. */
  maxJobsPerDay: number;
  /** Labour rate per hour for the invoice; null: the configured default. */
  hourlyRate: number | null;
  updatedAt: string;
}

export const DEFAULT_MAX_JOBS_PER_DAY = 8;

export interface Part {
  sku: string;
  name: string;
  /** Unit price in the invoice currency. */
  price: number;
  createdAt: string;
}

/** A warehouse; vans are locations `van:<username>` and are where their technician is. */
export interface Warehouse extends Place {
  id: string;
  name: string;
}

export interface StockLevel {
  location: string;
  sku: string;
  quantity: number;
  /** Held for dispatched visits, not yet used or released. */
  reserved: number;
  updatedAt: string;
}

export interface Asset {
  id: string;
  type: string;
  customerEmail: string | null;
  address: string;
  lat: number;
  lon: number;
  /** Skills a visit to it needs; empty: its `type` is the skill. */
  requiredSkills: string[];
  createdAt: string;
  updatedAt: string;
}

/** One request (ticket) on an asset, as its history lists it. */
export interface AssetTicket {
  instanceId: string;
  ticketNumber: string;
  processKey: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  technician: string | null;
}

/**
 * A change of stock made by a step (reserve at dispatch, use on site, release on re-dispatch),
 * written in the step's transaction. `delta` moves `quantity`, `reservedDelta` moves `reserved`.
 */
export interface StockMove {
  instanceId: string;
  location: string;
  sku: string;
  delta: number;
  reservedDelta: number;
  reason: 'reserve' | 'release' | 'use';
  at: string;
}

export function vanLocation(username: string): string {
  return `van:${username}`;
}
