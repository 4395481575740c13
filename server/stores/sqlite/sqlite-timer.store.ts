import type Database from 'better-sqlite3';
import type { TimerRecord } from '../../timers/timer.js';
import type { TimerStore } from '../../timers/timer.store.js';

interface TimerRow {
  id: string;
  instance_id: string;
  execution_id: string;
  element_id: string;
  timer_type: string;
  due_at: string;
  due_ms: number;
}

const TIMER_COLUMNS = 'id, instance_id, execution_id, element_id, timer_type, due_at, due_ms';

export class SqliteTimerStore implements TimerStore {
  private readonly dueBy: Database.Statement<[number, number], TimerRow>;
  private readonly ofInstance: Database.Statement<[string], TimerRow>;
  private readonly byId: Database.Statement<[string], TimerRow>;
  private readonly deleteOfInstance: Database.Statement<[string]>;
  private readonly insertRow: Database.Statement<[TimerRow]>;

  constructor(db: Database.Database) {
    this.dueBy = db.prepare(
      `SELECT ${TIMER_COLUMNS} FROM timers WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?`,
    );
    this.ofInstance = db.prepare(
      `SELECT ${TIMER_COLUMNS} FROM timers WHERE instance_id = ? ORDER BY due_ms, id`,
    );
    this.byId = db.prepare(`SELECT ${TIMER_COLUMNS} FROM timers WHERE id = ?`);
    this.deleteOfInstance = db.prepare('DELETE FROM timers WHERE instance_id = ?');
    this.insertRow = db.prepare(
      `INSERT INTO timers (${TIMER_COLUMNS})
       VALUES (@id, @instance_id, @execution_id, @element_id, @timer_type, @due_at, @due_ms)`,
    );
  }

  async due(at: Date, limit: number): Promise<TimerRecord[]> {
    return this.dueBy.all(at.getTime(), limit).map(toTimer);
  }

  async forInstance(instanceId: string): Promise<TimerRecord[]> {
    return this.ofInstance.all(instanceId).map(toTimer);
  }

  async get(id: string): Promise<TimerRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toTimer(row);
  }

  /** Called only inside SqliteStore.commitStep's transaction. */
  replaceForInstanceSync(instanceId: string, timers: TimerRecord[]): void {
    this.deleteOfInstance.run(instanceId);
    for (const timer of timers) this.insertRow.run(toRow(timer));
  }
}

function toRow(timer: TimerRecord): TimerRow {
  const dueMs = Date.parse(timer.dueAt);
  if (Number.isNaN(dueMs)) throw new TypeError(`timer ${timer.id}: dueAt ${timer.dueAt} is not a date`);
  return {
    id: timer.id,
    instance_id: timer.instanceId,
    execution_id: timer.executionId,
    element_id: timer.elementId,
    timer_type: timer.timerType,
    due_at: timer.dueAt,
    due_ms: dueMs,
  };
}

function toTimer(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    executionId: row.execution_id,
    elementId: row.element_id,
    timerType: row.timer_type,
    dueAt: row.due_at,
  };
}
