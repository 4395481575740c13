/** Nearest-rank percentile of numbers (sorted here); null for none. */
export function percentile(values: readonly number[], p: number, sorted = false): number | null {
  if (values.length === 0) return null;
  const ordered = sorted ? values : [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[rank - 1] ?? null;
}

/** p50 and p90 of the non-null values. */
export function spread(values: readonly (number | null)[]): { p50: number | null; p90: number | null } {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  return { p50: percentile(known, 50, true), p90: percentile(known, 90, true) };
}

export function median(values: readonly (number | null)[]): number | null {
  return spread(values).p50;
}

/** Average rounded to two decimals, and how many values; average null for none. */
export function average(values: readonly number[]): { average: number | null; count: number } {
  if (values.length === 0) return { average: null, count: 0 };
  return { average: Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 100) / 100, count: values.length };
}
