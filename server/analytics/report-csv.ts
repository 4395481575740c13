/**
 * CSV of report tables. Text cells are defused like the audit CSV (a leading =, +, -, @, tab or
 * carriage return gets a quote mark, so a spreadsheet shows it instead of running it); numbers
 * stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header line and one line per row; `columns` are [header, value of a row]. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly (readonly [string, (row: Row) => unknown])[]): string {
  const lines = [columns.map(([header]) => csvCell(header)).join(',')];
  for (const row of rows) lines.push(columns.map(([, value]) => csvCell(value(row))).join(','));
  return `${lines.join('\n')}\n`;
}
