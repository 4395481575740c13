/**
 * The audit side of the HTTP API: instance search, replay, verification, export links. Calls go
 * through `api.ts` (credentials, CSRF, errors); this file only names the routes and their shapes.
 */
import type { InstanceSearch, InstanceSummary as InstanceRow } from '../../../server/contracts/instances.js';
import type { ReplayPayload, ReplayVerification as Verification } from '../../../server/contracts/replay.js';
import { json } from './api.js';

/** A row of `GET /api/instances` and the auditors' search (every field optional, as the query takes them). */
export type { InstanceRow, InstanceSearch, ReplayPayload, Verification };

const enc = encodeURIComponent;

/** The query string of a search, without empty fields. */
export function searchQuery(search: InstanceSearch): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(search)) {
    if (value !== undefined && value !== null && String(value).trim() !== '') params.set(name, String(value).trim());
  }
  return params.toString();
}

export const instancesApi = {
  search: (search: InstanceSearch) => json<InstanceRow[]>('GET', `/api/instances?${searchQuery(search)}`),
  /** The whole timeline; `step=0` because the page folds every step itself (the server's fold of none is free). */
  replay: (id: string) => json<ReplayPayload>('GET', `/api/instances/${enc(id)}/replay?step=0`),
  exportUrl: (id: string, format: 'json' | 'csv') => `/api/instances/${enc(id)}/audit?format=${format}`,
};
