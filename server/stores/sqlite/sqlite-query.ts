import type Database from 'better-sqlite3';

export type Params = Record<string, string | number | null>;

interface Paging {
  limit?: number;
  offset?: number;
}

/**
 * A SELECT whose WHERE clause depends on which filter fields are set. One statement per
 * combination of fields, prepared on first use and kept: `(@x IS NULL OR col = @x)` in a single
 * statement would stop SQLite from using the indexes the filters exist for.
 */
export class FilteredSelect<Filter extends Paging, Row> {
  private readonly statements = new Map<string, Database.Statement<[Params], Row>>();

  constructor(
    private readonly db: Database.Database,
    private readonly select: string,
    /**
     * Filter field → the column it compares with by equality, or a whole condition naming the
     * value as `@<field>` (a range, a subquery): `'started_at >= @startedFrom'`.
     */
    private readonly columns: { readonly [K in Exclude<keyof Filter, keyof Paging>]-?: string },
    private readonly orderBy: string,
  ) {}

  all(filter: Filter): Row[] {
    const params: Params = { limit: filter.limit ?? -1, offset: filter.offset ?? 0 };
    const used: string[] = [];
    for (const field of Object.keys(this.columns)) {
      const value: unknown = (filter as Record<string, unknown>)[field];
      if (value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new TypeError(`filter ${field} must be a string or number`);
      }
      used.push(field);
      params[field] = value;
    }
    return this.statement(used).all(params);
  }

  private statement(fields: string[]): Database.Statement<[Params], Row> {
    const key = fields.join(',');
    let statement = this.statements.get(key);
    if (!statement) {
      const columns: Record<string, string> = this.columns;
      const where = fields
        .map((field) => {
          const column = columns[field] ?? '';
          return column.includes(`@${field}`) ? `(${column})` : `${column} = @${field}`;
        })
        .join(' AND ');
      statement = this.db.prepare<[Params], Row>(`${this.select} ${where ? `WHERE ${where}` : ''} ORDER BY ${this.orderBy} LIMIT @limit OFFSET @offset`);
      this.statements.set(key, statement);
    }
    return statement;
  }
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toJsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function fromJsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
