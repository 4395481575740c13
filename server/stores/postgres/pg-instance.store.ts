import type pg from 'pg';

import { TicketNumberTakenError, VersionConflictError } from '../../errors.js';
import type { IncidentKind, IncidentRecord, InstanceFilter, InstanceRecord, InstanceStatus, MessageSubscription } from '../../instances/instance.js';
import type { InstanceStore } from '../../instances/instance.store.js';
import { iso, isoOrNull, query, uniqueViolation, type Queryable } from './pg-pool.js';
import { FilteredSelect } from './pg-query.js';

interface InstanceRow extends Record<string, unknown> {
  id: string;
  definition_id: string;
  process_key: string;
  definition_version: number;
  ticket_number: string;
  business_key: string | null;
  status: string;
  variables: Record<string, unknown>;
  state: unknown;
  engine_version: string;
  version: number;
  audit_seq: number;
  audit_hash: string;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

interface IncidentRow {
  id: string;
  instance_id: string;
  element_id: string | null;
  kind: string;
  message: string;
  status: string;
  execution_id: string | null;
  retry: IncidentRecord['retry'];
  created_at: Date;
  resolved_at: Date | null;
}

interface SubscriptionRow {
  instance_id: string;
  execution_id: string;
  message_name: string;
  business_key: string | null;
  element_id: string;
}

/** `%<text>%` with the text's own `!`, `%` and `_` escaped (ESCAPE '!'), lower-cased. */
const LIKE_TEXT = `'%' || lower(replace(replace(replace(@text::text, '!', '!!'), '%', '!%'), '_', '!_')) || '%'`;

/** InstanceFilter as SQL parameters: the toucher as JSON. */
type RowFilter = Omit<InstanceFilter, 'touchedBy'> & { touchedBy?: string };

const INSTANCE_COLUMNS = `id, definition_id, process_key, definition_version, ticket_number,
  business_key, status, variables, state, engine_version, version, audit_seq, audit_hash,
  started_at, updated_at, ended_at`;
const INCIDENT_COLUMNS = 'id, instance_id, element_id, kind, message, status, execution_id, retry, created_at, resolved_at';
const SUBSCRIPTION_COLUMNS = 'instance_id, execution_id, message_name, business_key, element_id';

/** The unique indexes whose violation means "this instance exists already" (not a bug). */
const INSTANCE_KEYS = new Set(['instances_pkey', 'instances_business_key']);

export class PgInstanceStore implements InstanceStore {
  private readonly filtered: FilteredSelect<RowFilter, InstanceRow>;

  constructor(private readonly pool: pg.Pool) {
    this.filtered = new FilteredSelect<RowFilter, InstanceRow>(
      `SELECT ${INSTANCE_COLUMNS} FROM instances`,
      {
        status: 'status',
        processKey: 'process_key',
        ticketNumber: 'ticket_number',
        businessKey: 'business_key',
        startedFrom: 'started_at >= @startedFrom::timestamptz',
        startedTo: 'started_at < @startedTo::timestamptz',
        person: `id IN (SELECT instance_id FROM audit_events WHERE actor = @person
                        UNION SELECT instance_id FROM tasks WHERE assignee = @person)`,
        // As on SQLite: the search text, its LIKE wildcards escaped; variables and notes are the
        // JSON text as written (json columns keep it as is).
        text: `ticket_number = upper(@text::text) OR lower(variables::text) LIKE ${LIKE_TEXT} ESCAPE '!'
               OR id IN (SELECT instance_id FROM audit_events WHERE type IN ('task.commented', 'conversation.to-customer', 'conversation.from-customer')
                         AND lower(data::text) LIKE ${LIKE_TEXT} ESCAPE '!')`,
        // @touchedBy is JSON { username, departments }: each instance's tasks (index tasks_instance:
        // department, owner, completer, owner chain) and the person's audit events.
        touchedBy: `EXISTS (SELECT 1 FROM tasks t
                            WHERE t.instance_id = instances.id
                              AND (t.assignee = (@touchedBy::jsonb ->> 'username')
                                OR t.completed_by = (@touchedBy::jsonb ->> 'username')
                                OR t.department IN (SELECT jsonb_array_elements_text(@touchedBy::jsonb -> 'departments'))
                                OR EXISTS (SELECT 1 FROM json_array_elements(t.history) h
                                           WHERE h.value ->> 'by' = (@touchedBy::jsonb ->> 'username')
                                              OR h.value ->> 'assignee' = (@touchedBy::jsonb ->> 'username')
                                              OR h.value ->> 'department' IN (SELECT jsonb_array_elements_text(@touchedBy::jsonb -> 'departments')))))
                    OR id IN (SELECT instance_id FROM audit_events WHERE actor = (@touchedBy::jsonb ->> 'username'))`,
      },
      'started_at DESC, pos DESC',
    );
  }

  async get(id: string): Promise<InstanceRecord | null> {
    const result = await query<InstanceRow>(this.pool, { name: 'baton.instance.get', text: `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE id = $1`, values: [id] });
    const row = result.rows[0];
    return row === undefined ? null : toInstance(row);
  }

  async findByBusinessKey(processKey: string, businessKey: string): Promise<InstanceRecord | null> {
    const result = await query<InstanceRow>(this.pool, `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE process_key = $1 AND business_key = $2`, [processKey, businessKey]);
    const row = result.rows[0];
    return row === undefined ? null : toInstance(row);
  }

  async list(filter: InstanceFilter): Promise<InstanceRecord[]> {
    const { touchedBy, ...rest } = filter;
    const rowFilter: RowFilter = touchedBy === undefined ? rest : { ...rest, touchedBy: JSON.stringify(touchedBy) };
    return (await this.filtered.all(this.pool, rowFilter)).map(toInstance);
  }

  async lastTicketSeq(prefix: string): Promise<number> {
    const row = (await query<{ last: number }>(this.pool, { name: 'baton.ticket.last', text: 'SELECT last FROM ticket_sequences WHERE prefix = $1', values: [prefix] })).rows[0];
    return row?.last ?? 0;
  }

  /**
   * Inside commitStep's transaction: the prefix's counter from seq-1 to seq, or
   * TicketNumberTakenError. The row lock of the update serialises nodes starting tickets of one
   * prefix; the loser finds the counter moved and its whole step rolls back, so no number is lost.
   */
  async advanceTicketIn(client: Queryable, prefix: string, seq: number): Promise<void> {
    const result =
      seq === 1
        ? await client.query('INSERT INTO ticket_sequences (prefix, last) VALUES ($1, 1) ON CONFLICT (prefix) DO NOTHING', [prefix])
        : await client.query('UPDATE ticket_sequences SET last = $2 WHERE prefix = $1 AND last = $2 - 1', [prefix, seq]);
    if (result.rowCount !== 1) throw new TicketNumberTakenError(`Ticket number ${seq} of ${prefix} is taken or out of order`);
  }

  async incidents(instanceId: string): Promise<IncidentRecord[]> {
    const result = await query<IncidentRow>(this.pool, `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE instance_id = $1 ORDER BY created_at, pos`, [instanceId]);
    return result.rows.map(toIncident);
  }

  async openIncidents(limit: number): Promise<IncidentRecord[]> {
    const result = await query<IncidentRow>(this.pool, `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status = 'open' ORDER BY created_at, pos LIMIT $1`, [limit]);
    return result.rows.map(toIncident);
  }

  async getIncident(id: string): Promise<IncidentRecord | null> {
    const result = await query<IncidentRow>(this.pool, `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row === undefined ? null : toIncident(row);
  }

  async subscriptions(messageName: string, businessKey: string | null): Promise<MessageSubscription[]> {
    const result =
      businessKey === null
        ? await query<SubscriptionRow>(this.pool, `SELECT ${SUBSCRIPTION_COLUMNS} FROM message_subscriptions WHERE message_name = $1 ORDER BY pos`, [messageName])
        : await query<SubscriptionRow>(this.pool, `SELECT ${SUBSCRIPTION_COLUMNS} FROM message_subscriptions WHERE message_name = $1 AND business_key = $2 ORDER BY pos`, [messageName, businessKey]);
    return result.rows.map(toSubscription);
  }

  /** In PgStore.commitStep's transaction; an existing id or business key is a VersionConflictError. */
  async insertIn(client: Queryable, instance: InstanceRecord): Promise<void> {
    try {
      await client.query({
        name: 'baton.instance.insert',
        text: `INSERT INTO instances (${INSTANCE_COLUMNS})
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        values: instanceValues(instance),
      });
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint !== null && INSTANCE_KEYS.has(constraint)) {
        throw new VersionConflictError(
          constraint === 'instances_pkey' ? `instance ${instance.id} exists already` : `process ${instance.processKey} has an instance with business key ${instance.businessKey} already`,
        );
      }
      throw err;
    }
  }

  /**
   * In PgStore.commitStep's transaction. The UPDATE takes the row lock: a second node committing a
   * step of the same instance waits here until the first commits, then finds the version moved on
   * and gets VersionConflictError (its runner reloads and replays the step).
   */
  async updateIn(client: Queryable, instance: InstanceRecord, expectedVersion: number): Promise<void> {
    const result = await client.query({
      name: 'baton.instance.update',
      text: `UPDATE instances SET definition_id = $2, process_key = $3, definition_version = $4,
               ticket_number = $5, business_key = $6, status = $7, variables = $8, state = $9,
               engine_version = $10, version = $11, audit_seq = $12, audit_hash = $13,
               started_at = $14, updated_at = $15, ended_at = $16
             WHERE id = $1 AND version = $17`,
      values: [...instanceValues(instance), expectedVersion],
    });
    if (result.rowCount === 0) {
      throw new VersionConflictError(`instance ${instance.id} is not at version ${expectedVersion} (or does not exist)`);
    }
  }

  async upsertIncidentIn(client: Queryable, incident: IncidentRecord): Promise<void> {
    await client.query({
      name: 'baton.incident.upsert',
      text: `INSERT INTO incidents (${INCIDENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET instance_id = excluded.instance_id,
               element_id = excluded.element_id, kind = excluded.kind, message = excluded.message,
               status = excluded.status, execution_id = excluded.execution_id, retry = excluded.retry,
               created_at = excluded.created_at, resolved_at = excluded.resolved_at`,
      values: [
        incident.id,
        incident.instanceId,
        incident.elementId,
        incident.kind,
        incident.message,
        incident.status,
        incident.executionId,
        JSON.stringify(incident.retry),
        incident.createdAt,
        incident.resolvedAt,
      ],
    });
  }

  async replaceSubscriptionsIn(client: Queryable, instanceId: string, subscriptions: MessageSubscription[]): Promise<void> {
    await client.query({ name: 'baton.subscriptions.clear', text: 'DELETE FROM message_subscriptions WHERE instance_id = $1', values: [instanceId] });
    for (const subscription of subscriptions) {
      await client.query({
        name: 'baton.subscriptions.insert',
        text: `INSERT INTO message_subscriptions (${SUBSCRIPTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
        values: [subscription.instanceId, subscription.executionId, subscription.messageName, subscription.businessKey, subscription.elementId],
      });
    }
  }
}

export function ticketNumber(prefix: string, seq: number): string {
  return `${prefix}-${String(seq).padStart(6, '0')}`;
}

function instanceValues(instance: InstanceRecord): unknown[] {
  return [
    instance.id,
    instance.definitionId,
    instance.processKey,
    instance.definitionVersion,
    instance.ticketNumber,
    instance.businessKey,
    instance.status,
    JSON.stringify(instance.variables),
    instance.state === null || instance.state === undefined ? null : JSON.stringify(instance.state),
    instance.engineVersion,
    instance.version,
    instance.auditHead.seq,
    instance.auditHead.hash,
    instance.startedAt,
    instance.updatedAt,
    instance.endedAt,
  ];
}

function toInstance(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    definitionId: row.definition_id,
    processKey: row.process_key,
    definitionVersion: row.definition_version,
    ticketNumber: row.ticket_number,
    businessKey: row.business_key,
    status: row.status as InstanceStatus,
    variables: row.variables,
    state: row.state ?? null,
    engineVersion: row.engine_version,
    version: row.version,
    auditHead: { seq: row.audit_seq, hash: row.audit_hash },
    startedAt: iso(row.started_at),
    updatedAt: iso(row.updated_at),
    endedAt: isoOrNull(row.ended_at),
  };
}

function toIncident(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    elementId: row.element_id,
    kind: row.kind as IncidentKind,
    message: row.message,
    status: row.status as IncidentRecord['status'],
    executionId: row.execution_id,
    retry: row.retry,
    createdAt: iso(row.created_at),
    resolvedAt: isoOrNull(row.resolved_at),
  };
}

function toSubscription(row: SubscriptionRow): MessageSubscription {
  return {
    instanceId: row.instance_id,
    messageName: row.message_name,
    businessKey: row.business_key,
    elementId: row.element_id,
    executionId: row.execution_id,
  };
}
