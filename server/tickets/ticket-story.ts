import type { AuditEvent } from '../audit/audit-event.js';
import type { TaskFormField, TaskRecord } from '../tasks/task.js';
import { FROM_CUSTOMER, TO_CUSTOMER, type Attachment, type ConversationMessage, type StoryAnswer, type StoryEntry } from './ticket.js';

type Data = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const obj = (value: unknown): Data => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {});

/**
 * The ticket's story from its audit trail: every finished task with who and its form answers,
 * notes, pass-ups and hand-overs with reasons, SLA breaches (escalation by timer) and the
 * conversation. Engine-level events (flows, gateways, timers) stay in the replay.
 */
export function ticketStory(events: AuditEvent[], tasks: TaskRecord[], startForm: readonly TaskFormField[] = []): StoryEntry[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const story: StoryEntry[] = [];
  for (const event of events) {
    const data = event.data;
    const taskId = str(data['taskId']);
    const task = taskId ? byId.get(taskId) : undefined;
    const base: StoryEntry = {
      seq: event.seq,
      at: event.at,
      type: 'started',
      actor: event.actor,
      taskId,
      taskName: task?.name ?? null,
      department: null,
      assignee: null,
      text: null,
      reason: null,
      answers: [],
    };
    switch (event.type) {
      case 'instance.started':
        story.push({ ...base, answers: answersOf(obj(data['variables']), startForm) });
        break;
      case 'task.created':
        story.push({ ...base, type: 'task-opened', department: str(data['department']), assignee: str(data['assignee']) });
        break;
      case 'task.claimed':
        story.push({ ...base, type: 'claimed', assignee: event.actor });
        break;
      case 'task.released':
        story.push({ ...base, type: 'released' });
        break;
      case 'task.passed-up':
      case 'task.handed-over': {
        const to = obj(data['to']);
        story.push({
          ...base,
          type: event.type === 'task.passed-up' ? 'passed-up' : 'handed-over',
          department: str(to['department']),
          assignee: str(to['assignee']),
          reason: str(data['reason']),
        });
        break;
      }
      case 'task.commented':
        story.push({ ...base, type: 'note', text: str(data['comment']) });
        break;
      case 'task.completed':
        story.push({ ...base, type: 'completed', department: task?.department ?? null, answers: answersOf(obj(data['output']), task?.form ?? []) });
        break;
      case 'task.escalated':
        story.push({ ...base, type: 'sla-breached', taskName: task?.name ?? null, department: byId.get(str(data['toTaskId']) ?? '')?.department ?? null });
        break;
      case TO_CUSTOMER:
        story.push({ ...base, type: 'to-customer', text: str(data['text']) });
        break;
      case FROM_CUSTOMER:
        story.push({ ...base, type: 'from-customer', text: str(data['text']) });
        break;
      case 'instance.completed':
        story.push({ ...base, type: 'closed' });
        break;
      case 'instance.cancelled':
        story.push({ ...base, type: 'cancelled', reason: str(data['reason']) });
        break;
      case 'dispatch.decided':
      case 'dispatch.overridden':
        story.push({ ...base, ...dispatchOf(event.type, data) });
        break;
      case 'dispatch.declined':
        story.push({ ...base, type: 'declined', assignee: str(data['chosen']), reason: str(data['reason']) });
        break;
      case 'visit.on-the-way':
        story.push({ ...base, type: 'on-the-way', assignee: str(data['technician']) });
        break;
      case 'visit.arrived':
        story.push({ ...base, type: 'arrived', assignee: str(data['technician']) });
        break;
      case 'invoice.issued':
        story.push({ ...base, type: 'invoiced', text: `${str(data['number']) ?? ''}: ${String(data['total'] ?? '')} ${str(data['currency']) ?? ''}`.trim() });
        break;
      default:
        break;
    }
  }
  return story;
}

/** Form answers with their labels (the task's or the start event's form), uploads left to the attachments. */
function answersOf(values: Data, form: readonly TaskFormField[]): StoryAnswer[] {
  const labels = new Map(form.map((field) => [field.id, field.label ?? field.id]));
  return Object.entries(values)
    .filter(([, value]) => !isUpload(value))
    .map(([key, value]) => ({ key, label: labels.get(key) ?? key, value }));
}

function isUpload(value: unknown): boolean {
  return typeof obj(value)['uploadId'] === 'string';
}

/** The messages between staff and customer, oldest first. Internal notes are not among them. */
export function conversationOf(events: AuditEvent[]): ConversationMessage[] {
  return events
    .filter((event) => event.type === TO_CUSTOMER || event.type === FROM_CUSTOMER)
    .map((event) => ({
      seq: event.seq,
      at: event.at,
      from: event.type === TO_CUSTOMER ? ('staff' as const) : ('customer' as const),
      author: event.type === TO_CUSTOMER ? event.actor : null,
      text: str(event.data['text']) ?? '',
    }));
}

/** Files the customer sent, from the completed tasks' answers (the bytes stay in the upload table). */
export function attachmentsOf(tasks: TaskRecord[]): Attachment[] {
  const result: Attachment[] = [];
  for (const task of tasks) {
    for (const [field, value] of Object.entries(task.output ?? {})) {
      const ref = obj(value);
      if (typeof ref['uploadId'] !== 'string') continue;
      result.push({
        uploadId: ref['uploadId'],
        taskId: task.id,
        field,
        filename: str(ref['filename']) ?? 'file',
        contentType: str(ref['contentType']) ?? 'application/octet-stream',
        size: typeof ref['size'] === 'number' ? ref['size'] : 0,
      });
    }
  }
  return result;
}

/** Elements the ticket went through (activities entered), for the diagram. */
export function visitedElements(events: AuditEvent[]): string[] {
  const seen = new Set<string>();
  for (const event of events) if (event.type === 'activity.left' && event.elementId) seen.add(event.elementId);
  return [...seen];
}

/** Whether this person or one of their departments ever touched the ticket (its tasks' owner chains, its audit actors). */
export function touchesTicket(viewer: { username: string; departments: string[] }, tasks: TaskRecord[], events: AuditEvent[]): boolean {
  const mine = (department: string | null) => department !== null && viewer.departments.includes(department);
  const touched = tasks.some(
    (task) =>
      mine(task.department) ||
      task.assignee === viewer.username ||
      task.completedBy === viewer.username ||
      task.history.some((entry) => entry.by === viewer.username || entry.assignee === viewer.username || mine(entry.department)),
  );
  return touched || events.some((event) => event.actor === viewer.username);
}

/**
 * A dispatch decision in the story: who got the visit and why (the winner's reasons, as the
 * dispatch table says them), or why nobody could; an override names the dispatcher's reason.
 */
function dispatchOf(type: string, data: Data): Pick<StoryEntry, 'type' | 'assignee' | 'text' | 'reason'> {
  const chosen = str(type === 'dispatch.overridden' ? data['to'] : data['chosen']);
  const candidates = Array.isArray(data['candidates']) ? (data['candidates'] as { username?: unknown; reasons?: unknown }[]) : [];
  const winner = candidates.find((candidate) => candidate.username === chosen);
  const reasons = Array.isArray(winner?.reasons) ? winner.reasons.map(String).join(', ') : null;
  return { type: 'dispatched', assignee: chosen, text: reasons, reason: type === 'dispatch.overridden' ? str(data['reason']) : chosen ? null : str(data['reason']) };
}
