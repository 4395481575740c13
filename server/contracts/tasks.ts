/**
 * Wire contracts of `/api/tasks`: the list query, the task actions' bodies (REST routes and the
 * inbox socket's commands alike) and what `GET /api/tasks/:id` adds to a task.
 */
import { z } from 'zod';

import { key, limit, offset, variablesSchema } from './common.js';

export const TASK_STATUSES = ['open', 'completed', 'cancelled'] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** `GET /api/tasks`. */
export const taskQuerySchema = z.object({
  status: taskStatusSchema.optional(),
  instanceId: key.optional(),
  department: key.optional(),
  assignee: key.optional(),
  processKey: key.optional(),
  limit,
  offset,
});
export type TaskQuery = z.infer<typeof taskQuerySchema>;
/** The stores' task filter: the query, with paging optional for callers inside the server. */
export type TaskFilter = Omit<TaskQuery, 'limit' | 'offset'> & Partial<Pick<TaskQuery, 'limit' | 'offset'>>;

/** The task's version the person saw: a stale one is a conflict, not a silent overwrite. */
const version = z.number().int().min(1).optional();
const reason = z.string().trim().min(1, 'say why').max(2000);
const taskId = z.string().trim().min(1).max(200);

export const versionOnlySchema = z.object({ version }).strict();
export const completeSchema = z.object({ variables: variablesSchema.default({}), version }).strict();
export const passUpSchema = z.object({ reason, version }).strict();
export const handOverSchema = z.object({ department: z.string().trim().min(1).max(100).optional(), assignee: z.string().trim().min(1).max(100).optional(), reason, version }).strict();
/** A person ends the task with a BPMN error the diagram catches (`reason` is kept in the log). */
export const bpmnErrorSchema = z.object({ errorCode: z.string().trim().min(1).max(200), reason, version }).strict();
/** A person raises an escalation a boundary event on the task catches. */
export const escalationSchema = z.object({ escalationCode: z.string().trim().min(1).max(200), reason, version }).strict();
export const commentSchema = z.object({ text: z.string().trim().min(1).max(4000), version }).strict();

/** `POST /api/tasks/:id/wait-on-customer`: the ticket's SLA clocks stop while the customer is asked for something. */
export const waitOnCustomerSchema = z.object({ reason: z.string().trim().min(1, 'say what the customer is asked for').max(2000) }).strict();
/** `POST /api/tasks/:id/resume`: the clocks run again. */
export const resumeSlaSchema = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict();

/** Socket commands name the task in the payload. */
export const taskCommandSchema = z.object({ taskId, version }).strict();
/** The inbox socket's `inbox:join`: follow one more department's queue. */
export const inboxJoinSchema = z.object({ department: z.string().trim().min(1).max(100) }).strict();

/** The bodies as a client sends them. */
export type VersionOnlyBody = z.input<typeof versionOnlySchema>;
export type CompleteTaskBody = z.input<typeof completeSchema>;
export type PassUpBody = z.input<typeof passUpSchema>;
export type HandOverBody = z.input<typeof handOverSchema>;
export type BpmnErrorBody = z.input<typeof bpmnErrorSchema>;
export type EscalationBody = z.input<typeof escalationSchema>;
export type CommentBody = z.input<typeof commentSchema>;
export type WaitOnCustomerBody = z.input<typeof waitOnCustomerSchema>;
export type ResumeSlaBody = z.input<typeof resumeSlaSchema>;
export type TaskCommand = z.input<typeof taskCommandSchema>;

/** A BPMN error the diagram catches on a task. */
export interface CatchableError {
  /** null: the event catches any error code. */
  errorCode: string | null;
  /** The bpmn:error's name, else the catching event's. */
  name: string | null;
  /** The boundary or start event that catches it. */
  catchingElementId: string | null;
}

/** An escalation a boundary event on a task catches. */
export interface CatchableEscalation {
  /** null: the event catches any escalation. */
  escalationCode: string | null;
  name: string | null;
  /** The boundary event that catches it (its wait is what the escalation is sent to). */
  catchingElementId: string;
  /** The bpmn:escalation's id the event waits for; null for a catch-all event. */
  escalationId: string | null;
  /** False for a non-interrupting boundary event: the task stays open. */
  interrupting: boolean;
}

/** What `GET /api/tasks/:id` adds to the task: the problems a person may report on it (absent elsewhere). */
export interface TaskProblems {
  bpmnErrors?: CatchableError[];
  bpmnEscalations?: CatchableEscalation[];
}
