import { withCustomerLang } from '../customer/customer-lang.js';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';

import { seesEverything } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { CustomerUpload } from '../customer/customer.js';
import { CUSTOMER_ACTOR } from '../customer/customer-department.js';
import type { ProcessProfiles } from '../customer/process-profile.js';
import type { DefinitionService } from '../definitions/definition.service.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { translator } from '../i18n/i18n.js';
import type { InstanceFilter, InstanceRecord } from '../instances/instance.js';
import type { InstanceRunner, StepResult } from '../instances/instance-runner.js';
import type { InstanceSummary } from '../instances/instance.service.js';
import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { Store } from '../stores/store.js';
import { validateFormData } from '../tasks/task-form.js';
import type { TaskFormField, TaskRecord } from '../tasks/task.js';
import { taskView, type TaskView } from '../tasks/task-sla.js';
import { FROM_CUSTOMER, TO_CUSTOMER, type ConversationMessage, type TicketView } from './ticket.js';
import { attachmentsOf, conversationOf, ticketStory, touchesTicket, visitedElements } from './ticket-story.js';
import type { AuditEvent } from '../audit/audit-event.js';
import type { StatusLookupLimiter } from './status-lookup-limiter.js';
import { CUSTOMER_VARIABLES, emailOf, languageOf, nonEmpty, type StatusLinks } from './status-links.js';

/** A process someone may open a ticket of, with its start form. */
export interface StartableProcess {
  key: string;
  name: string;
  version: number;
  schema: Record<string, unknown> | null;
  fields: TaskFormField[];
}

/** The customer wrote on the status page: who holds the ticket's open tasks should hear it. */
export interface CustomerReplied {
  instanceId: string;
  ticketNumber: string;
  at: string;
  text: string;
  /** Owners of the open tasks (none: the departments' queues hold it). */
  owners: string[];
  departments: string[];
}

export interface OpenedTicket {
  result: StepResult;
  statusUrl: string | null;
}

/**
 * The service desk's view of tickets: who may find and read one (staff: every ticket they or one
 * of their departments ever touched), its story from the audit trail, the conversation with the
 * customer, and the customer's status link for every ticket that has a contact. Every change is a
 * step of the instance (runner.amend): audit event, emails and status link in one transaction.
 */
export class TicketService {
  /** After a customer's message committed (the live ticket page, staff notifications listen). */
  readonly events = new EventEmitter<{ 'customer.replied': [CustomerReplied] }>();

  constructor(
    private readonly store: Store,
    private readonly definitions: DefinitionService,
    private readonly profiles: ProcessProfiles,
    private readonly runner: InstanceRunner,
    private readonly limiter: StatusLookupLimiter,
    private readonly links: StatusLinks,
    private readonly clock: Clock,
  ) {}

  /** Instances the caller may see matching the filter, newest first (staff, or `mine`: the ones they touched). */
  async search(principal: Principal, filter: InstanceFilter, mine = false): Promise<InstanceSummary[]> {
    const narrowed = readsAll(principal) && !mine ? filter : { ...filter, touchedBy: { username: principal.username, departments: principal.departments } };
    const found = await this.store.instances.list(narrowed);
    return found.map(({ state: _s, auditHead: _h, engineVersion: _e, variables: _v, ...rest }) => rest);
  }

  /** The instance if the caller may see it: 404 unknown, 403 never touched by them or their departments. */
  async visible(principal: Principal, instanceId: string): Promise<{ instance: InstanceRecord; tasks: TaskRecord[]; events: AuditEvent[] }> {
    const instance = await this.store.instances.get(instanceId);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    const [tasks, events] = await Promise.all([this.store.tasks.list({ instanceId }), this.store.audit.forInstance(instanceId)]);
    if (!readsAll(principal) && !touchesTicket(principal, tasks, events)) {
      throw new ForbiddenError(`Ticket ${instance.ticketNumber} was never with you or your departments`);
    }
    return { instance, tasks, events };
  }

  async assertMaySee(principal: Principal, instanceId: string): Promise<void> {
    await this.visible(principal, instanceId);
  }

  async view(principal: Principal, instanceId: string): Promise<TicketView> {
    const { instance, tasks, events } = await this.visible(principal, instanceId);
    const now = this.clock.now();
    // The start form's labels name the caller's answers in the story.
    const definition = await this.store.definitions.getById(instance.definitionId);
    const startForm = definition ? ((await this.profiles.get(definition)).startForm?.fields ?? []) : [];
    const open = tasks.filter((task) => task.status === 'open');
    const vars = instance.variables;
    const text = (name: string) => (typeof vars[name] === 'string' && vars[name] !== '' ? (vars[name] as string) : null);
    return {
      id: instance.id,
      ticketNumber: instance.ticketNumber,
      processKey: instance.processKey,
      definitionVersion: instance.definitionVersion,
      status: instance.status,
      startedAt: instance.startedAt,
      endedAt: instance.endedAt,
      customer: { name: text(CUSTOMER_VARIABLES.name), email: text(CUSTOMER_VARIABLES.email), phone: text(CUSTOMER_VARIABLES.phone) },
      problem: text('problem') ?? text('description'),
      openTasks: open.map((task) => taskView(task, now)),
      story: ticketStory(events, tasks, startForm),
      conversation: conversationOf(events),
      attachments: attachmentsOf(tasks),
      activeElements: open.map((task) => task.elementId),
      completedElements: visitedElements(events),
    };
  }

  async byTicketNumber(principal: Principal, ticketNumber: string): Promise<TicketView> {
    const [instance] = await this.store.instances.list({ ticketNumber: ticketNumber.toUpperCase(), limit: 1 });
    if (!instance) throw new NotFoundError(`There is no ticket ${ticketNumber}`);
    return this.view(principal, instance.id);
  }

  /** The task, for whoever may see its ticket (also after it moved on), with its ticket's story. */
  async taskWithTicket(principal: Principal, taskId: string): Promise<TaskView & { ticket: TicketView }> {
    const task = await this.store.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Task ${taskId} does not exist`);
    const ticket = await this.view(principal, task.instanceId);
    return { ...taskView(task, this.clock.now()), ticket };
  }

  /** A file the customer sent, for whoever may see the ticket. */
  async attachment(principal: Principal, instanceId: string, uploadId: string): Promise<CustomerUpload> {
    await this.visible(principal, instanceId);
    const upload = await this.store.customer.upload(uploadId);
    if (!upload || upload.instanceId !== instanceId) throw new NotFoundError('There is no such file on this ticket');
    return upload;
  }

  // ---- Opening tickets ---------------------------------------------------------------------

  /** Every deployed process with its start form (the inbox's "New ticket" list); auditors start none. */
  async startable(principal: Principal): Promise<StartableProcess[]> {
    if (principal.role === 'auditor') return [];
    const result: StartableProcess[] = [];
    for (const summary of await this.definitions.list()) {
      const definition = await this.definitions.latest(summary.key);
      const profile = await this.profiles.get(definition);
      result.push({ key: definition.key, name: definition.name ?? definition.key, version: definition.version, schema: profile.startForm?.schema ?? null, fields: profile.startForm?.fields ?? [] });
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Starts a ticket for a caller. Checked against the start form when the process has one; with a
   * customer contact (`customerEmail` / `customerPhone`) the ticket gets a status link, mailed with
   * the ticket number in the start's own transaction.
   */
  async open(processKey: string, given: Record<string, unknown>, businessKey: string | null, actor: string, checkForm = false): Promise<OpenedTicket> {
    // The customer's language travels with the ticket (their emails); a language Baton lacks is a 400.
    const variables = withCustomerLang(given);
    const definition = await this.definitions.latest(processKey);
    const email = emailOf(variables);
    const contact = email !== null || nonEmpty(variables[CUSTOMER_VARIABLES.phone]);
    // Programs start with whatever variables they have; the desk's form is checked like a task's.
    if (checkForm) {
      const profile = await this.profiles.get(definition);
      if (profile.startForm) validateFormData(profile.startForm.fields, variables);
      const asksContact = profile.startForm?.fields.some((field) => field.id === CUSTOMER_VARIABLES.email || field.id === CUSTOMER_VARIABLES.phone);
      if (asksContact && !contact) {
        throw new InvalidInputError("Give the customer's email or phone, so they hear about their ticket", [{ elementId: null, message: 'customerEmail or customerPhone is required' }]);
      }
      if (nonEmpty(variables[CUSTOMER_VARIABLES.email]) && email === null) {
        throw new InvalidInputError("The customer's email is not an email address", [{ elementId: null, message: 'customerEmail: not an email address' }]);
      }
    }
    const link = this.links.forStart(variables);
    const result = await this.runner.start(definition, { variables, businessKey, actor, ...link?.start });
    return { result, statusUrl: link?.statusUrl ?? null };
  }

  // ---- Conversation with the customer ------------------------------------------------------

  async conversation(principal: Principal, instanceId: string): Promise<ConversationMessage[]> {
    return conversationOf((await this.visible(principal, instanceId)).events);
  }

  /** Staff write to the customer: kept in the audit log, shown on the status page, emailed when there is an address. */
  async writeToCustomer(principal: Principal, instanceId: string, text: string): Promise<ConversationMessage[]> {
    if (principal.role === 'auditor') throw new ForbiddenError('Auditors read; they do not write to customers');
    const { instance } = await this.visible(principal, instanceId);
    const email = emailOf(instance.variables);
    if (!email && !nonEmpty(instance.variables[CUSTOMER_VARIABLES.phone])) {
      throw new ConflictError(`Ticket ${instance.ticketNumber} has no customer contact to write to`);
    }
    await this.runner.amend(instanceId, (current, at) => {
      const t = translator(languageOf(current.variables));
      const outbox = email
        ? [
            this.email(
              current,
              email,
              t('status:email.message.subject', { ticketNumber: current.ticketNumber }),
              t('status:email.message.body', { ticketNumber: current.ticketNumber, text }),
              at,
              `message:${randomUUID()}`,
            ),
          ]
        : [];
      return { tasks: [], audit: [{ type: TO_CUSTOMER, actor: principal.username, data: { text, emailed: outbox.length > 0 } }], outbox };
    });
    return this.conversation(principal, instanceId);
  }

  /** The customer answers on the status page; the ticket's watchers hear it (step.committed). */
  async customerReply(instanceId: string, text: string): Promise<ConversationMessage[]> {
    const instance = await this.store.instances.get(instanceId);
    if (!instance) throw new NotFoundError('This status link is not valid');
    if (instance.status !== 'running') throw new ConflictError('This request is closed; to tell us more, open a new one');
    const { instance: committed } = await this.runner.amend(instanceId, () => ({ tasks: [], audit: [{ type: FROM_CUSTOMER, actor: CUSTOMER_ACTOR, data: { text } }] }));
    const open = await this.store.tasks.list({ instanceId, status: 'open' });
    this.events.emit('customer.replied', {
      instanceId,
      ticketNumber: instance.ticketNumber,
      at: committed.updatedAt,
      text,
      owners: [...new Set(open.flatMap((task) => (task.assignee ? [task.assignee] : [])))],
      departments: [...new Set(open.flatMap((task) => (task.department ? [task.department] : [])))],
    });
    return conversationOf(await this.store.audit.forInstance(instanceId));
  }

  /** What the status page shows of the conversation (the same list; notes are never in it). */
  async customerConversation(instanceId: string): Promise<ConversationMessage[]> {
    return conversationOf(await this.store.audit.forInstance(instanceId)).map((message) => ({ ...message, author: null }));
  }

  // ---- Status lookup -----------------------------------------------------------------------

  /**
   * Ticket number + email: when they belong together, a new status link is mailed (it replaces the
   * old one). The caller always hears the same answer, so nobody learns which tickets exist.
   * Limited per address and per email (429).
   */
  async lookup(ticketNumber: string, email: string, address: string): Promise<void> {
    await this.limiter.admit(address, email);
    const [instance] = await this.store.instances.list({ ticketNumber: ticketNumber.trim().toUpperCase(), limit: 1 });
    const stored = instance ? emailOf(instance.variables) : null;
    if (!instance || !stored || stored.toLowerCase() !== email.trim().toLowerCase()) return;
    const { url, tokenHash, expiresAt } = this.links.fresh();
    await this.runner.amend(instance.id, (current, at) => {
      const t = translator(languageOf(current.variables));
      return {
        tasks: [],
        audit: [{ type: 'status.link-sent', actor: CUSTOMER_ACTOR, data: { channel: 'email' } }],
        outbox: [
          this.email(
            current,
            stored,
            t('status:email.link.subject', { ticketNumber: current.ticketNumber }),
            t('status:email.link.body', { ticketNumber: current.ticketNumber, url }),
            at,
            `link:${randomUUID()}`,
          ),
        ],
        ticketAccess: { tokenHash, instanceId: current.id, createdAt: at, expiresAt },
      };
    });
  }

  private email(instance: InstanceRecord, to: string, subject: string, body: string, at: string, key: string): OutboxMessage {
    return {
      id: randomUUID(),
      instanceId: instance.id,
      idempotencyKey: `${instance.id}:${key}`,
      channel: 'email',
      payload: { to, subject, body },
      createdAt: at,
      sentAt: null,
      attempts: 0,
      lastError: null,
    };
  }
}

/** Admins, auditors and process owners read every ticket; staff those they touched. */
function readsAll(principal: Principal): boolean {
  return seesEverything(principal) || principal.role === 'process-owner';
}
