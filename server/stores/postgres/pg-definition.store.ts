import type pg from 'pg';

import type { DefinitionRecord, DefinitionSummary, StartTimer } from '../../definitions/definition.js';
import type { DefinitionStore } from '../../definitions/definition.store.js';
import type { ErrorIssue } from '../../errors.js';
import { VersionConflictError } from '../../errors.js';
import { inTransaction, iso, query, uniqueViolation } from './pg-pool.js';

interface SummaryRow {
  id: string;
  process_key: string;
  version: number;
  name: string;
  hash: string;
  ticket_prefix: string;
  start_messages: string[];
  start_timers: StartTimer[];
  deployed_at: Date;
  warnings: ErrorIssue[];
}

interface DefinitionRow extends SummaryRow {
  xml: string;
}

const SUMMARY_COLUMNS = 'd.id, d.process_key, d.version, d.name, d.hash, d.ticket_prefix, d.start_messages, d.start_timers, d.deployed_at, d.warnings';
const IS_LATEST = 'd.version = (SELECT MAX(l.version) FROM definitions l WHERE l.process_key = d.process_key)';

export class PgDefinitionStore implements DefinitionStore {
  constructor(private readonly pool: pg.Pool) {}

  async insert(definition: DefinitionRecord): Promise<void> {
    try {
      await inTransaction(this.pool, async (client) => {
        await client.query(
          `INSERT INTO definitions (id, process_key, version, name, xml, hash, ticket_prefix,
             start_messages, start_timers, deployed_at, warnings)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            definition.id,
            definition.key,
            definition.version,
            definition.name,
            definition.xml,
            definition.hash,
            definition.ticketPrefix,
            JSON.stringify(definition.startMessages),
            JSON.stringify(definition.startTimers),
            definition.deployedAt,
            JSON.stringify(definition.warnings),
          ],
        );
        for (const message of new Set(definition.startMessages)) {
          await client.query('INSERT INTO definition_start_messages (message_name, definition_id) VALUES ($1, $2)', [message, definition.id]);
        }
      });
    } catch (err) {
      // Either key: the id or (process_key, version); another node may have deployed it just now.
      if (uniqueViolation(err) !== null) {
        throw new VersionConflictError(`definition ${definition.key} version ${definition.version} exists already`);
      }
      throw err;
    }
  }

  async get(key: string, version: number): Promise<DefinitionRecord | null> {
    return this.one(`SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.process_key = $1 AND d.version = $2`, [key, version]);
  }

  async getById(id: string): Promise<DefinitionRecord | null> {
    return this.one(`SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.id = $1`, [id]);
  }

  async latest(key: string): Promise<DefinitionRecord | null> {
    return this.one(`SELECT ${SUMMARY_COLUMNS}, d.xml FROM definitions d WHERE d.process_key = $1 ORDER BY d.version DESC LIMIT 1`, [key]);
  }

  async listLatest(): Promise<DefinitionSummary[]> {
    const result = await query<SummaryRow>(this.pool, `SELECT ${SUMMARY_COLUMNS} FROM definitions d WHERE ${IS_LATEST} ORDER BY d.process_key COLLATE "C"`);
    return result.rows.map(toSummary);
  }

  async versions(key: string): Promise<DefinitionSummary[]> {
    const result = await query<SummaryRow>(this.pool, `SELECT ${SUMMARY_COLUMNS} FROM definitions d WHERE d.process_key = $1 ORDER BY d.version DESC`, [key]);
    return result.rows.map(toSummary);
  }

  async startedByMessage(messageName: string): Promise<DefinitionRecord[]> {
    // Only a latest version counts: once v3 drops a message start event, the message must not start v2.
    const result = await query<DefinitionRow>(
      this.pool,
      `SELECT ${SUMMARY_COLUMNS}, d.xml
       FROM definition_start_messages m JOIN definitions d ON d.id = m.definition_id
       WHERE m.message_name = $1 AND ${IS_LATEST}
       ORDER BY d.process_key COLLATE "C"`,
      [messageName],
    );
    return result.rows.map(toRecord);
  }

  private async one(sql: string, values: unknown[]): Promise<DefinitionRecord | null> {
    const result = await query<DefinitionRow>(this.pool, sql, values);
    const row = result.rows[0];
    return row === undefined ? null : toRecord(row);
  }
}

function toSummary(row: SummaryRow): DefinitionSummary {
  return {
    id: row.id,
    key: row.process_key,
    version: row.version,
    name: row.name,
    hash: row.hash,
    ticketPrefix: row.ticket_prefix,
    startMessages: row.start_messages,
    startTimers: row.start_timers,
    deployedAt: iso(row.deployed_at),
    warnings: row.warnings,
  };
}

function toRecord(row: DefinitionRow): DefinitionRecord {
  return { ...toSummary(row), xml: row.xml };
}
