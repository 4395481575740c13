import { createHash, randomUUID } from 'node:crypto';

import type { AuditStore } from '../audit/audit.store.js';
import type { CalendarDirectory } from '../calendars/calendar-directory.js';
import { workingDuration } from '../calendars/working-words.js';
import type { Clock } from '../clock.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import type { DepartmentStore } from '../departments/department.store.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { InstanceRecord } from '../instances/instance.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { InstanceStore } from '../instances/instance.store.js';
import { validateFormData } from '../tasks/task-form.js';
import type { TaskFormField, TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import { CUSTOMER_ACTOR, CUSTOMER_DEPARTMENT } from './customer-department.js';
import type { CustomerFeedback, CustomerUpload, TicketAccess, UploadReference } from './customer.js';
import type { CustomerStore } from './customer.store.js';
import { formOf, type ProcessProfile, type ProcessProfiles } from './process-profile.js';
import { MAX_FIELD_TEXT, type UploadField } from './form-fields.js';
import { checkUpload, type ReceivedFile } from './upload-rules.js';
import { StatusGuesses } from './status-guesses.js';
import type { RateLimitStore } from '../auth/rate-limit.store.js';
import { hashStatusToken, looksLikeToken } from './status-token.js';
import type { StatusHistoryEntry, StatusView, WaitingTask } from './status-view.js';
import type { FieldStatus } from '../field/field-status.js';

/** One answer for a wrong, expired or unknown token: it must not tell whether a ticket exists. */
export const NO_TICKET = 'This status link is not valid. Check the link in your confirmation email.';

export interface StatusDeps {
  instances: InstanceStore;
  tasks: TaskStore;
  audit: AuditStore;
  definitions: DefinitionStore;
  departments: DepartmentStore;
  customer: CustomerStore;
  profiles: ProcessProfiles;
  runner: InstanceRunner;
  clock: Clock;
  /** Where guesses of status links are counted (shared by every node). */
  rateLimits: RateLimitStore;
  /** Field service's part of the page (technician, ETA, invoice). */
  field?: (instance: InstanceRecord) => Promise<FieldStatus | null>;
  /** Business calendars: the expected time is also said in working time (issue 16). */
  calendars?: CalendarDirectory;
}

/** What the customer sends for a task that waits on them. */
export interface CustomerAnswer {
  fields: Record<string, string>;
  files: ReceivedFile[];
}

/**
 * The customer's view of a ticket, by its status token: stages in the process's own customer
 * words, never the audit log, comments or variables the process did not mark public.
 */
export class StatusService {
  /** Unknown links tried per client address (routes and the live socket consult it). */
  readonly guesses: StatusGuesses;

  constructor(private readonly deps: StatusDeps) {
    this.guesses = new StatusGuesses(deps.rateLimits, deps.clock);
  }

  /** The ticket a token opens; NotFoundError (always NO_TICKET) otherwise. */
  async access(token: string): Promise<TicketAccess> {
    if (!looksLikeToken(token)) throw new NotFoundError(NO_TICKET);
    const access = await this.deps.customer.ticketByHash(hashStatusToken(token));
    if (!access || access.expiresAt <= this.deps.clock.now().toISOString()) throw new NotFoundError(NO_TICKET);
    return access;
  }

  async view(token: string): Promise<StatusView> {
    const { instanceId } = await this.access(token);
    return this.viewOf(instanceId);
  }

  async viewOf(instanceId: string): Promise<StatusView> {
    return this.render(await this.load(instanceId));
  }

  /** The view of an instance already read (with its process profile). */
  private async render({ instance, profile }: { instance: InstanceRecord; profile: ProcessProfile }): Promise<StatusView> {
    const instanceId = instance.id;
    const [tasks, departments, feedback, field] = await Promise.all([
      this.deps.tasks.list({ instanceId }),
      this.deps.departments.list(),
      this.deps.customer.feedback(instanceId),
      this.deps.field?.(instance) ?? null,
    ]);
    const departmentName = (id: string | null) => (id === null ? null : id === CUSTOMER_DEPARTMENT ? 'You' : (departments.find((department) => department.id === id)?.name ?? id));
    const stageOf = (task: TaskRecord) => profile.stages.get(task.elementId) ?? task.name;
    const ordered = [...tasks].sort((a, b) => a.createdAt.localeCompare(b.createdAt));

    const history: StatusHistoryEntry[] = [{ stage: 'Request received', department: null, from: instance.startedAt, to: ordered[0]?.createdAt ?? instance.endedAt }];
    for (const task of ordered) {
      const stage = stageOf(task);
      const last = history.at(-1);
      // A task handed on within the same stage (pass up, escalation) is one stage for the customer.
      if (last && last.stage === stage && last.department === departmentName(task.department)) {
        last.to = task.endedAt;
        continue;
      }
      history.push({ stage, department: departmentName(task.department), from: task.createdAt, to: task.endedAt });
    }
    const outcome = instance.status === 'completed' ? await this.outcome(instance, profile) : instance.status === 'cancelled' ? 'Closed' : null;
    if (outcome && instance.endedAt) history.push({ stage: outcome, department: null, from: instance.endedAt, to: null });

    const open = ordered.filter((task) => task.status === 'open');
    const waiting = open.filter((task) => task.department === CUSTOMER_DEPARTMENT);
    const current = waiting[0] ?? open[open.length - 1] ?? null;
    const details: Record<string, unknown> = {};
    for (const name of profile.publicVariables) if (instance.variables[name] !== undefined) details[name] = instance.variables[name];

    return {
      ticketNumber: instance.ticketNumber,
      title: profile.title,
      status: instance.status === 'running' ? 'open' : instance.status === 'completed' ? 'done' : 'closed',
      stage: outcome ?? (current ? stageOf(current) : 'In progress'),
      department: current ? departmentName(current.department) : null,
      since: current?.createdAt ?? instance.endedAt ?? instance.startedAt,
      expectedBy: current?.dueAt ?? null,
      expectedInWorkingTime: await this.workingTimeLeft(current?.dueAt ?? null, current?.department ?? null),
      history,
      waitingOnYou: waiting.map((task) => this.waitingTask(task, profile)),
      details,
      outcome,
      feedback: feedback ? { rating: feedback.rating, comment: feedback.comment, at: feedback.createdAt } : null,
      feedbackWanted: instance.status === 'completed' && !feedback,
      updatedAt: instance.updatedAt,
      ...(field ? { field } : {}),
    };
  }

  /** "3 h" of working time until `dueAt` in the department's calendar; null without one. */
  private async workingTimeLeft(dueAt: string | null, department: string | null): Promise<string | null> {
    if (!dueAt || !this.deps.calendars) return null;
    const calendars = await this.deps.calendars.snapshot();
    const id = calendars.departmentCalendar(department);
    const calendar = id === null ? null : calendars.workingTime(id);
    if (!calendar) return null;
    return workingDuration(Math.max(0, calendar.between(this.deps.clock.now(), new Date(dueAt))));
  }

  /**
   * Completes a task that waits on the customer; files are kept only when the process took the answer.
   * `access` is what `access(token)` gave (the route checks the token before reading the upload).
   */
  async answer(access: TicketAccess, taskId: string, answer: CustomerAnswer): Promise<StatusView> {
    const { instanceId } = access;
    const task = await this.deps.tasks.get(taskId);
    if (!task || task.instanceId !== instanceId || task.department !== CUSTOMER_DEPARTMENT) throw new NotFoundError('There is no such question on this ticket');
    if (task.status !== 'open') throw new ConflictError('This question was answered already');
    const { profile } = await this.load(instanceId);
    const form = formOf(task, profile.forms) ?? { schema: null, fields: [], uploads: [] };
    const output: Record<string, unknown> = valuesOf(form.fields, answer.fields);
    validateFormData(form.fields, output);
    const uploads = this.uploadsOf(form.uploads, answer.files, task);
    for (const upload of uploads) output[upload.field] = reference(upload);
    // The files go into the step's own transaction: a refused completion stores none.
    const step = await this.deps.runner.apply(instanceId, { kind: 'complete-task', taskId, output, actor: CUSTOMER_ACTOR, taskVersion: task.version, uploads });
    // The step gives the instance as committed: no second read of it (the profile is the version's own).
    return this.render({ instance: step.instance, profile });
  }

  async leaveFeedback(token: string, feedback: { rating: number; comment: string }): Promise<StatusView> {
    const { instanceId } = await this.access(token);
    const loaded = await this.load(instanceId);
    if (loaded.instance.status !== 'completed') throw new ConflictError('Feedback can be given once the request is done');
    const stored = await this.deps.customer.insertFeedback({ instanceId, ...feedback, createdAt: this.deps.clock.now().toISOString() });
    if (!stored) throw new ConflictError('Thank you: we have your feedback for this ticket already');
    // A completed instance does not change any more: the one read above is still current.
    return this.render(loaded);
  }

  /** For staff and reports: the feedback, and how long the ticket waited on the customer (apart from the rest). NotFoundError for an unknown instance. */
  async customerStats(instanceId: string): Promise<{ feedback: CustomerFeedback | null; waitingOnCustomerMs: number; customerTasks: number }> {
    const [instance, tasks, feedback] = await Promise.all([this.deps.instances.get(instanceId), this.deps.tasks.list({ instanceId }), this.deps.customer.feedback(instanceId)]);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    const now = this.deps.clock.now().getTime();
    const theirs = tasks.filter((task) => task.department === CUSTOMER_DEPARTMENT);
    const waitingOnCustomerMs = theirs.reduce((sum, task) => sum + ((task.endedAt ? Date.parse(task.endedAt) : now) - Date.parse(task.createdAt)), 0);
    return { feedback, waitingOnCustomerMs, customerTasks: theirs.length };
  }

  private waitingTask(task: TaskRecord, profile: ProcessProfile): WaitingTask {
    const form = formOf(task, profile.forms);
    return {
      taskId: task.id,
      version: task.version,
      stage: profile.stages.get(task.elementId) ?? task.name,
      schema: form?.schema ?? null,
      fields: form?.fields ?? [],
      uploads: form?.uploads ?? [],
      expectedBy: task.dueAt,
    };
  }

  private uploadsOf(fields: UploadField[], files: ReceivedFile[], task: TaskRecord): CustomerUpload[] {
    const now = this.deps.clock.now().toISOString();
    const result: CustomerUpload[] = [];
    for (const field of fields) {
      const file = files.find((candidate) => candidate.field === field.id);
      if (!file) {
        if (field.required) checkUpload(field, null);
        continue;
      }
      checkUpload(field, file);
      result.push({
        id: randomUUID(),
        instanceId: task.instanceId,
        taskId: task.id,
        field: field.id,
        filename: file.filename,
        contentType: file.contentType,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        data: file.data,
        createdAt: now,
      });
    }
    return result;
  }

  private async load(instanceId: string): Promise<{ instance: InstanceRecord; profile: ProcessProfile }> {
    const instance = await this.deps.instances.get(instanceId);
    const definition = instance ? await this.deps.definitions.getById(instance.definitionId) : null;
    if (!instance || !definition) throw new NotFoundError(NO_TICKET);
    return { instance, profile: await this.deps.profiles.get(definition) };
  }

  /** The end event the instance reached, in the process's customer words. */
  private async outcome(instance: InstanceRecord, profile: ProcessProfile): Promise<string> {
    const end = await this.deps.audit.lastAt(instance.id, [...profile.endEvents.keys()]);
    return (end?.elementId && profile.endEvents.get(end.elementId)) || 'Done';
  }
}

/** A decimal as an `<input type="number" step="any">` sends it. */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Form posts are text: each value as its field's type; fields not on the form are dropped. */
function valuesOf(fields: TaskFormField[], sent: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = sent[field.id];
    if (raw === undefined || raw.trim() === '') {
      if (field.type === 'boolean') values[field.id] = false;
      continue;
    }
    const text = raw.trim().slice(0, MAX_FIELD_TEXT);
    // Text that is no number stays text, so validation names the field ("must be a number").
    if (field.type === 'long') values[field.id] = /^-?\d+$/.test(text) ? Number(text) : text;
    else if (field.type === 'number') values[field.id] = DECIMAL.test(text) ? Number(text) : text;
    else if (field.type === 'boolean') values[field.id] = text === 'true' || text === 'on';
    else values[field.id] = text;
  }
  return values;
}

function reference(upload: CustomerUpload): UploadReference {
  return { uploadId: upload.id, filename: upload.filename, contentType: upload.contentType, size: upload.size, sha256: upload.sha256 };
}
