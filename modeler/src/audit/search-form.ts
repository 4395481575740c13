/** The search form ↔ the API's query and the page's own URL (a search can be bookmarked and shared). */
import type { InstanceSearch } from '../shared/instances-api.js';

export const SEARCH_FIELDS = ['ticket', 'process', 'from', 'to', 'status', 'person'] as const;

/** The fields as typed, without empty ones. */
export function readSearch(values: (name: string) => string | null): InstanceSearch {
  const search: InstanceSearch = {};
  for (const name of SEARCH_FIELDS) {
    const value = values(name)?.trim();
    if (value) search[name] = value;
  }
  return search;
}
