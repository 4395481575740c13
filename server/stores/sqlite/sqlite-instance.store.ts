import type Database from 'better-sqlite3';
import { TicketNumberTakenError, VersionConflictError } from '../../errors.js';
import type { IncidentKind, IncidentRecord, InstanceFilter, InstanceRecord, InstanceStatus, MessageSubscription } from '../../instances/instance.js';
import type { InstanceStore } from '../../instances/instance.store.js';
import { FilteredSelect, fromJson, fromJsonOrNull, toJson, toJsonOrNull } from './sqlite-query.js';

interface InstanceRow {
  id: string;
  definition_id: string;
  process_key: string;
  definition_version: number;
  ticket_number: string;
  business_key: string | null;
  status: string;
  variables: string;
  state: string | null;
  engine_version: string;
  version: number;
  audit_seq: number;
  audit_hash: string;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
}

/** `%<text>%` with the text's own `!`, `%` and `_` escaped (ESCAPE '!'), lower-cased. */
const LIKE_TEXT = `'%' || lower(replace(replace(replace(@text, '!', '!!'), '%', '!%'), '_', '!_')) || '%'`;

/** InstanceFilter as SQL parameters: the toucher as JSON. */
type RowFilter = Omit<InstanceFilter, 'touchedBy'> & { touchedBy?: string };

interface IncidentRow {
  id: string;
  instance_id: string;
  element_id: string | null;
  kind: string;
  message: string;
  status: string;
  execution_id: string | null;
  retry: string;
  created_at: string;
  resolved_at: string | null;
}

interface SubscriptionRow {
  instance_id: string;
  execution_id: string;
  message_name: string;
  business_key: string | null;
  element_id: string;
}

const INSTANCE_COLUMNS = `id, definition_id, process_key, definition_version, ticket_number,
  business_key, status, variables, state, engine_version, version, audit_seq, audit_hash,
  started_at, updated_at, ended_at`;

export class SqliteInstanceStore implements InstanceStore {
  private readonly byId: Database.Statement<[string], InstanceRow>;
  private readonly byBusinessKey: Database.Statement<[string, string], InstanceRow>;
  private readonly filtered: FilteredSelect<RowFilter, InstanceRow>;
  private readonly insertRow: Database.Statement<[InstanceRow]>;
  private readonly updateRow: Database.Statement<[InstanceRow & { expected_version: number }]>;
  private readonly lastTicket: Database.Statement<[string], number>;
  private readonly advanceTicket: Database.Statement;
  private readonly firstTicket: Database.Statement<[string]>;
  private readonly incidentsOf: Database.Statement<[string], IncidentRow>;
  private readonly openIncidentRows: Database.Statement<[number], IncidentRow>;
  private readonly incidentById: Database.Statement<[string], IncidentRow>;
  private readonly upsertIncidentRow: Database.Statement<[IncidentRow]>;
  private readonly subscriptionsOfMessage: Database.Statement<[string], SubscriptionRow>;
  private readonly subscriptionsOfMessageAndKey: Database.Statement<[string, string], SubscriptionRow>;
  private readonly deleteSubscriptions: Database.Statement<[string]>;
  private readonly insertSubscription: Database.Statement<[SubscriptionRow]>;

  constructor(db: Database.Database) {
    this.byId = db.prepare(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE id = ?`);
    this.byBusinessKey = db.prepare(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE process_key = ? AND business_key = ?`);
    this.filtered = new FilteredSelect<RowFilter, InstanceRow>(
      db,
      `SELECT ${INSTANCE_COLUMNS} FROM instances`,
      {
        status: 'status',
        processKey: 'process_key',
        ticketNumber: 'ticket_number',
        businessKey: 'business_key',
        startedFrom: 'started_at >= @startedFrom',
        startedTo: 'started_at < @startedTo',
        // Both sides are index lookups (audit_events_actor, tasks_assignee).
        person: `id IN (SELECT instance_id FROM audit_events WHERE actor = @person
                        UNION SELECT instance_id FROM tasks WHERE assignee = @person)`,
        // The search text, its LIKE wildcards escaped; variables and notes are JSON text.
        text: `ticket_number = upper(@text) OR lower(variables) LIKE ${LIKE_TEXT} ESCAPE '!'
               OR id IN (SELECT instance_id FROM audit_events WHERE type IN ('task.commented', 'conversation.to-customer', 'conversation.from-customer')
                         AND lower(data) LIKE ${LIKE_TEXT} ESCAPE '!')`,
        // @touchedBy is JSON { username, departments }: each instance's tasks (index tasks_instance:
        // department, owner, completer, owner chain) and the person's audit events (audit_events_actor).
        touchedBy: `EXISTS (SELECT 1 FROM tasks t
                            WHERE t.instance_id = instances.id
                              AND (t.assignee = json_extract(@touchedBy, '$.username')
                                OR t.completed_by = json_extract(@touchedBy, '$.username')
                                OR t.department IN (SELECT value FROM json_each(@touchedBy, '$.departments'))
                                OR EXISTS (SELECT 1 FROM json_each(t.history) h
                                           WHERE json_extract(h.value, '$.by') = json_extract(@touchedBy, '$.username')
                                              OR json_extract(h.value, '$.assignee') = json_extract(@touchedBy, '$.username')
                                              OR json_extract(h.value, '$.department') IN (SELECT value FROM json_each(@touchedBy, '$.departments')))))
                    OR id IN (SELECT instance_id FROM audit_events WHERE actor = json_extract(@touchedBy, '$.username'))`,
      },
      'started_at DESC, rowid DESC',
    );
    this.insertRow = db.prepare(
      `INSERT INTO instances (${INSTANCE_COLUMNS})
       VALUES (@id, @definition_id, @process_key, @definition_version, @ticket_number,
         @business_key, @status, @variables, @state, @engine_version, @version, @audit_seq,
         @audit_hash, @started_at, @updated_at, @ended_at)`,
    );
    this.updateRow = db.prepare(
      `UPDATE instances SET definition_id = @definition_id, process_key = @process_key,
         definition_version = @definition_version, ticket_number = @ticket_number,
         business_key = @business_key, status = @status, variables = @variables, state = @state,
         engine_version = @engine_version, version = @version, audit_seq = @audit_seq,
         audit_hash = @audit_hash, started_at = @started_at, updated_at = @updated_at,
         ended_at = @ended_at
       WHERE id = @id AND version = @expected_version`,
    );
    this.lastTicket = db.prepare<[string], number>('SELECT last FROM ticket_sequences WHERE prefix = ?').pluck();
    this.advanceTicket = db.prepare('UPDATE ticket_sequences SET last = @seq WHERE prefix = @prefix AND last = @seq - 1');
    this.firstTicket = db.prepare('INSERT INTO ticket_sequences (prefix, last) VALUES (?, 1) ON CONFLICT (prefix) DO NOTHING');
    this.incidentsOf = db.prepare('SELECT * FROM incidents WHERE instance_id = ? ORDER BY created_at, rowid');
    this.incidentById = db.prepare('SELECT * FROM incidents WHERE id = ?');
    this.openIncidentRows = db.prepare("SELECT * FROM incidents WHERE status = 'open' ORDER BY created_at, rowid LIMIT ?");
    this.upsertIncidentRow = db.prepare(
      `INSERT INTO incidents (id, instance_id, element_id, kind, message, status, execution_id, retry, created_at, resolved_at)
       VALUES (@id, @instance_id, @element_id, @kind, @message, @status, @execution_id, @retry, @created_at, @resolved_at)
       ON CONFLICT (id) DO UPDATE SET instance_id = excluded.instance_id,
         element_id = excluded.element_id, kind = excluded.kind, message = excluded.message,
         status = excluded.status, execution_id = excluded.execution_id, retry = excluded.retry,
         created_at = excluded.created_at,
         resolved_at = excluded.resolved_at`,
    );
    this.subscriptionsOfMessage = db.prepare('SELECT * FROM message_subscriptions WHERE message_name = ? ORDER BY rowid');
    this.subscriptionsOfMessageAndKey = db.prepare('SELECT * FROM message_subscriptions WHERE message_name = ? AND business_key = ? ORDER BY rowid');
    this.deleteSubscriptions = db.prepare('DELETE FROM message_subscriptions WHERE instance_id = ?');
    this.insertSubscription = db.prepare(
      `INSERT INTO message_subscriptions (instance_id, execution_id, message_name, business_key, element_id)
       VALUES (@instance_id, @execution_id, @message_name, @business_key, @element_id)`,
    );
  }

  async get(id: string): Promise<InstanceRecord | null> {
    const row = this.byId.get(id);
    return row === undefined ? null : toInstance(row);
  }

  async findByBusinessKey(processKey: string, businessKey: string): Promise<InstanceRecord | null> {
    const row = this.byBusinessKey.get(processKey, businessKey);
    return row === undefined ? null : toInstance(row);
  }

  async list(filter: InstanceFilter): Promise<InstanceRecord[]> {
    const { touchedBy, text, ...rest } = filter;
    const rowFilter: RowFilter = { ...rest };
    if (touchedBy !== undefined) rowFilter.touchedBy = JSON.stringify(touchedBy);
    if (text !== undefined) rowFilter.text = text;
    return this.filtered.all(rowFilter).map(toInstance);
  }

  async lastTicketSeq(prefix: string): Promise<number> {
    return this.lastTicket.get(prefix) ?? 0;
  }

  /** Inside commitStep's transaction: the prefix's counter from seq-1 to seq, or TicketNumberTakenError. */
  advanceTicketSync(prefix: string, seq: number): void {
    const moved = seq === 1 ? this.firstTicket.run(prefix).changes : this.advanceTicket.run({ prefix, seq }).changes;
    if (moved !== 1) throw new TicketNumberTakenError(`Ticket number ${seq} of ${prefix} is taken or out of order`);
  }

  async incidents(instanceId: string): Promise<IncidentRecord[]> {
    return this.incidentsOf.all(instanceId).map(toIncident);
  }

  async getIncident(id: string): Promise<IncidentRecord | null> {
    const row = this.incidentById.get(id);
    return row === undefined ? null : toIncident(row);
  }

  async openIncidents(limit: number): Promise<IncidentRecord[]> {
    return this.openIncidentRows.all(limit).map(toIncident);
  }

  async subscriptions(messageName: string, businessKey: string | null): Promise<MessageSubscription[]> {
    const rows = businessKey === null ? this.subscriptionsOfMessage.all(messageName) : this.subscriptionsOfMessageAndKey.all(messageName, businessKey);
    return rows.map(toSubscription);
  }

  /**
   * Inside SqliteStore.commitStep's IMMEDIATE transaction, so the checks cannot be overtaken
   * before the insert; the unique indexes remain the backstop.
   */
  insertSync(instance: InstanceRecord): void {
    if (this.byId.get(instance.id) !== undefined) {
      throw new VersionConflictError(`instance ${instance.id} exists already`);
    }
    if (instance.businessKey !== null && this.byBusinessKey.get(instance.processKey, instance.businessKey) !== undefined) {
      throw new VersionConflictError(`process ${instance.processKey} has an instance with business key ${instance.businessKey} already`);
    }
    this.insertRow.run(toInstanceRow(instance));
  }

  /** Throws VersionConflictError unless the stored instance is at `expectedVersion`. */
  updateSync(instance: InstanceRecord, expectedVersion: number): void {
    const result = this.updateRow.run({ ...toInstanceRow(instance), expected_version: expectedVersion });
    if (result.changes === 0) {
      throw new VersionConflictError(`instance ${instance.id} is not at version ${expectedVersion} (or does not exist)`);
    }
  }

  upsertIncidentSync(incident: IncidentRecord): void {
    this.upsertIncidentRow.run(toIncidentRow(incident));
  }

  replaceSubscriptionsSync(instanceId: string, subscriptions: MessageSubscription[]): void {
    this.deleteSubscriptions.run(instanceId);
    for (const subscription of subscriptions) {
      this.insertSubscription.run(toSubscriptionRow(subscription));
    }
  }
}

function toInstanceRow(instance: InstanceRecord): InstanceRow {
  return {
    id: instance.id,
    definition_id: instance.definitionId,
    process_key: instance.processKey,
    definition_version: instance.definitionVersion,
    ticket_number: instance.ticketNumber,
    business_key: instance.businessKey,
    status: instance.status,
    variables: toJson(instance.variables),
    state: toJsonOrNull(instance.state),
    engine_version: instance.engineVersion,
    version: instance.version,
    audit_seq: instance.auditHead.seq,
    audit_hash: instance.auditHead.hash,
    started_at: instance.startedAt,
    updated_at: instance.updatedAt,
    ended_at: instance.endedAt,
  };
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
    variables: fromJson<Record<string, unknown>>(row.variables),
    state: fromJsonOrNull<unknown>(row.state),
    engineVersion: row.engine_version,
    version: row.version,
    auditHead: { seq: row.audit_seq, hash: row.audit_hash },
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}

function toIncidentRow(incident: IncidentRecord): IncidentRow {
  return {
    id: incident.id,
    instance_id: incident.instanceId,
    element_id: incident.elementId,
    kind: incident.kind,
    message: incident.message,
    status: incident.status,
    execution_id: incident.executionId,
    retry: JSON.stringify(incident.retry),
    created_at: incident.createdAt,
    resolved_at: incident.resolvedAt,
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
    retry: JSON.parse(row.retry) as IncidentRecord['retry'],
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

function toSubscriptionRow(subscription: MessageSubscription): SubscriptionRow {
  return {
    instance_id: subscription.instanceId,
    execution_id: subscription.executionId,
    message_name: subscription.messageName,
    business_key: subscription.businessKey,
    element_id: subscription.elementId,
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
