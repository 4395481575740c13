import { z } from 'zod';

import { variablesSchema } from '../http/schemas.js';

/** Bodies of the task actions, shared by the REST routes and the socket commands. */
const version = z.number().int().min(1).optional();
const reason = z.string().trim().min(1, 'say why').max(2000);
const taskId = z.string().trim().min(1).max(200);

export const versionOnlySchema = z.object({ version }).strict();
export const completeSchema = z.object({ variables: variablesSchema.default({}), version }).strict();
export const passUpSchema = z.object({ reason, version }).strict();
export const handOverSchema = z
  .object({ department: z.string().trim().min(1).max(100).optional(), assignee: z.string().trim().min(1).max(100).optional(), reason, version })
  .strict();
/** A person ends the task with a BPMN error the diagram catches (`reason` is kept in the log). */
export const bpmnErrorSchema = z.object({ errorCode: z.string().trim().min(1).max(200), reason, version }).strict();
/** A person raises an escalation a boundary event on the task catches. */
export const escalationSchema = z.object({ escalationCode: z.string().trim().min(1).max(200), reason, version }).strict();
export const commentSchema = z.object({ text: z.string().trim().min(1).max(4000), version }).strict();

/** Socket commands name the task in the payload. */
export const taskCommandSchema = z.object({ taskId, version }).strict();
