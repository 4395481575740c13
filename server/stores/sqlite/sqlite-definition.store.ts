import type Database from 'better-sqlite3';
import type { DefinitionRecord, DefinitionSummary, StartTimer } from '../../definitions/definition.js';
import type { DefinitionStore } from '../../definitions/definition.store.js';
import type { ErrorIssue } from '../../errors.js';
import { VersionConflictError } from '../../errors.js';
import { fromJson, toJson } from './sqlite-query.js';

interface SummaryRow {
  id: string;
  process_key: string;
  version: number;
  name: string;
  hash: string;
  ticket_prefix: string;
  start_messages: string;
  start_timers: string;
  deployed_at: string;
  warnings: string;
}

interface DefinitionRow extends SummaryRow {
  xml: string;
}

const SUMMARY_COLUMNS = 'd.id, d.process_key, d.version, d.name, d.hash, d.ticket_prefix, d.start_messages, d.start_timers, d.deployed_at, d.warnings';
const IS_LATEST = 'd.version = (SELECT MAX(l.version) FROM definitions l WHERE l.process_key = d.process_key)';

export class SqliteDefinitionStore implements DefinitionStore {
  private readonly insertRow: Database.Statement<[DefinitionRow]>;
  private readonly insertStartMessage: Database.Statement<[string, string]>;
  private readonly exists: Database.Statement<[string, string, number], number>;
  private readonly byKeyVersion: Database.Statement<[string, number], DefinitionRow>;
  private readonly byId: Database.Statement<[string], DefinitionRow>;
  private readonly latestOfKey: Database.Statement<[string], DefinitionRow>;
  private readonly latestOfEveryKey: Database.Statement<[], SummaryRow>;
  private readonly versionsOfKey: Database.Statement<[string], SummaryRow>;
  private readonly byStartMessage: Database.Statement<[string], DefinitionRow>;
  private readonly insertAll: Database.Transaction<(definition: DefinitionRecord) => void>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT INTO definitions (id, process_key, version, name, xml, hash, ticket_prefix,
         start_messages, start_timers, deployed_at, warnings)
       VALUES (@id, @process_key, @version, @name, @xml, @hash, @ticket_prefix,
         @start_messages, @start_timers, @deployed_at, @warnings)`,
    );
    this.insertStartMessage = db.prepare(
      // A message listed twice is one row; ON CONFLICT, unlike OR IGNORE, still rejects a NULL name.
      `INSERT INTO definition_start_messages (message_name, definition_id) VALUES (?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.exists = db.prepare<[string, string, number], number>('SELECT 1 FROM definitions WHERE id = ? OR (process_key = ? AND version = ?)').pluck();
    this.byKeyVersion = db.prepare(`SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.process_key = ? AND d.version = ?`);
    this.byId = db.prepare(`SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.id = ?`);
    this.latestOfKey = db.prepare(
      `SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.process_key = ?
       ORDER BY d.version DESC LIMIT 1`,
    );
    this.latestOfEveryKey = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM definitions d WHERE ${IS_LATEST} ORDER BY d.process_key`);
    this.versionsOfKey = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM definitions d WHERE d.process_key = ? ORDER BY d.version DESC`);
    // Only a latest version counts: once v3 drops a message start event, the message must not
    // start v2 either.
    this.byStartMessage = db.prepare(
      `SELECT ${SUMMARY_COLUMNS}, d.xml
       FROM definition_start_messages m JOIN definitions d ON d.id = m.definition_id
       WHERE m.message_name = ? AND ${IS_LATEST}
       ORDER BY d.process_key`,
    );
    this.insertAll = db.transaction((definition: DefinitionRecord) => {
      if (this.exists.get(definition.id, definition.key, definition.version) !== undefined) {
        throw new VersionConflictError(`definition ${definition.key} version ${definition.version} exists already`);
      }
      this.insertRow.run(toRow(definition));
      for (const message of definition.startMessages) {
        this.insertStartMessage.run(message, definition.id);
      }
    });
  }

  async insert(definition: DefinitionRecord): Promise<void> {
    // IMMEDIATE takes the write lock before the existence check, so the check stays true.
    this.insertAll.immediate(definition);
  }

  async get(key: string, version: number): Promise<DefinitionRecord | null> {
    return toRecordOrNull(this.byKeyVersion.get(key, version));
  }

  async getById(id: string): Promise<DefinitionRecord | null> {
    return toRecordOrNull(this.byId.get(id));
  }

  async latest(key: string): Promise<DefinitionRecord | null> {
    return toRecordOrNull(this.latestOfKey.get(key));
  }

  async listLatest(): Promise<DefinitionSummary[]> {
    return this.latestOfEveryKey.all().map(toSummary);
  }

  async versions(key: string): Promise<DefinitionSummary[]> {
    return this.versionsOfKey.all(key).map(toSummary);
  }

  async startedByMessage(messageName: string): Promise<DefinitionRecord[]> {
    return this.byStartMessage.all(messageName).map(toRecord);
  }
}

function toRow(definition: DefinitionRecord): DefinitionRow {
  return {
    id: definition.id,
    process_key: definition.key,
    version: definition.version,
    name: definition.name,
    xml: definition.xml,
    hash: definition.hash,
    ticket_prefix: definition.ticketPrefix,
    start_messages: toJson(definition.startMessages),
    start_timers: toJson(definition.startTimers),
    deployed_at: definition.deployedAt,
    warnings: toJson(definition.warnings),
  };
}

function toSummary(row: SummaryRow): DefinitionSummary {
  return {
    id: row.id,
    key: row.process_key,
    version: row.version,
    name: row.name,
    hash: row.hash,
    ticketPrefix: row.ticket_prefix,
    startMessages: fromJson<string[]>(row.start_messages),
    startTimers: fromJson<StartTimer[]>(row.start_timers),
    deployedAt: row.deployed_at,
    warnings: fromJson<ErrorIssue[]>(row.warnings),
  };
}

function toRecord(row: DefinitionRow): DefinitionRecord {
  return { ...toSummary(row), xml: row.xml };
}

function toRecordOrNull(row: DefinitionRow | undefined): DefinitionRecord | null {
  return row === undefined ? null : toRecord(row);
}
