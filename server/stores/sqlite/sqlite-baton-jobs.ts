import type Database from 'better-sqlite3';

/** A Baton-owned agenda job as stored: its id and its JSON data (which carries `dueMs`). */
export interface BatonJobRow {
  id: string;
  data: string;
}

/**
 * The reads Baton's own job kinds (timers, process starts) share: by id, and due by `data.dueMs`
 * (not next_run_at, which agenda nulls while a job runs). Each kind is one job name.
 */
export class BatonJobQueries {
  private readonly dueBy: Database.Statement<[string, number, number], BatonJobRow>;
  private readonly byIdStatement: Database.Statement<[string, string], BatonJobRow>;

  constructor(
    db: Database.Database,
    private readonly name: string,
  ) {
    this.dueBy = db.prepare(
      `SELECT id, data FROM agenda_jobs WHERE name = ? AND json_extract(data, '$.dueMs') <= ?
       ORDER BY json_extract(data, '$.dueMs'), id LIMIT ?`,
    );
    this.byIdStatement = db.prepare('SELECT id, data FROM agenda_jobs WHERE name = ? AND id = ?');
  }

  due(at: Date, limit: number): BatonJobRow[] {
    return this.dueBy.all(this.name, at.getTime(), limit);
  }

  byId(id: string): BatonJobRow | undefined {
    return this.byIdStatement.get(this.name, id);
  }
}
