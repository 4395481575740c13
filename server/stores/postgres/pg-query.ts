import { query, type Queryable } from './pg-pool.js';

interface Paging {
  limit?: number;
  offset?: number;
}

/**
 * A SELECT whose WHERE clause depends on which filter fields are set, as on SQLite
 * (sqlite-query.ts): one statement text per combination, so the planner sees plain conditions
 * on the indexed columns. Conditions name their value `@field`; it becomes `$n`.
 */
export class FilteredSelect<Filter extends Paging, Row extends Record<string, unknown>> {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly select: string,
    private readonly columns: { readonly [K in Exclude<keyof Filter, keyof Paging>]-?: string },
    private readonly orderBy: string,
  ) {}

  async all(db: Queryable, filter: Filter): Promise<Row[]> {
    const used: string[] = [];
    const values: unknown[] = [];
    for (const field of Object.keys(this.columns)) {
      const value: unknown = (filter as Record<string, unknown>)[field];
      if (value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`filter ${field} must be a string or number`);
      used.push(field);
      values.push(value);
    }
    values.push(filter.limit ?? null, filter.offset ?? 0);
    const result = await query<Row>(db, this.text(used), values);
    return result.rows;
  }

  private text(fields: string[]): string {
    const key = fields.join(',');
    let text = this.texts.get(key);
    if (text === undefined) {
      const columns: Record<string, string> = this.columns;
      const where = fields
        .map((field, index) => {
          const column = columns[field] ?? '';
          const placeholder = `$${index + 1}`;
          return column.includes(`@${field}`) ? `(${column.replaceAll(`@${field}`, placeholder)})` : `${column} = ${placeholder}`;
        })
        .join(' AND ');
      const n = fields.length;
      // LIMIT NULL is "no limit" in PostgreSQL.
      text = `${this.select} ${where ? `WHERE ${where}` : ''} ORDER BY ${this.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`;
      this.texts.set(key, text);
    }
    return text;
  }
}
