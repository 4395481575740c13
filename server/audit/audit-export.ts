import type { AuditEvent } from './audit-event.js';

const CSV_COLUMNS = ['seq', 'at', 'type', 'actor', 'elementId', 'definitionId', 'data', 'prevHash', 'hash'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote every cell that could break the row, and defuse spreadsheet formulas (=, +, -, @).
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

export function auditCsvRow(event: AuditEvent): string {
  return `${CSV_COLUMNS.map((column) => csvCell(event[column])).join(',')}\n`;
}

/** One element of the streamed JSON array: `[` and `]` are written around the pages. */
export function auditJsonItem(event: AuditEvent, first: boolean): string {
  return `${first ? '' : ','}\n${JSON.stringify(event)}`;
}
