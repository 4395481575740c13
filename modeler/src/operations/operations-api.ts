/** The operations routes the page calls (issue 18), through api.ts (credentials, CSRF, errors). */
import type { EditVariablesBody, IncidentRetryBody, MigrationBody, MoveBody, OperationsRow, RestartBody, TimerCancelBody } from '../../../server/contracts/operations.js';
import type { FireTimerBody, RescheduleTimerBody } from '../../../server/contracts/timers.js';
import type { InstanceView } from '../../../server/instances/instance.service.js';
import type { InterventionPreview } from '../../../server/instances/intervention.js';
import type { IncidentGroup, MigrationOutcome, RetryOutcome } from '../../../server/operations/operations.service.js';
import type { ApprovalRecord } from '../../../server/operations/approval.js';
import { json } from '../shared/api.js';

export type { ApprovalRecord, IncidentGroup, InstanceView, InterventionPreview, MigrationOutcome, OperationsRow };

const enc = encodeURIComponent;

export interface InterventionAnswer {
  dryRun: boolean;
  preview: InterventionPreview;
  instance: InstanceView | null;
}

/** A change under four-eyes answers 202 with the request instead of the result. */
export type Held = { approval: ApprovalRecord };

export function isHeld(answer: unknown): answer is Held {
  return typeof answer === 'object' && answer !== null && 'approval' in answer;
}

export const operationsApi = {
  approvals: () => json<{ enabled: boolean; approvals: ApprovalRecord[] }>('GET', '/api/approvals?status=pending'),
  approve: (id: string) => json<unknown>('POST', `/api/approvals/${enc(id)}/approve`, { json: {} }),
  reject: (id: string) => json<unknown>('POST', `/api/approvals/${enc(id)}/reject`, { json: {} }),
  incidents: () => json<IncidentGroup[]>('GET', '/api/incidents'),
  retryCause: (cause: string, reason: string) => json<{ results: RetryOutcome[] }>('POST', '/api/incidents/retry', { json: { cause, reason } satisfies IncidentRetryBody }),
  instances: (query: URLSearchParams) => json<{ rows: OperationsRow[]; truncated: boolean }>('GET', `/api/operations/instances?${query.toString()}`),
  tokens: (process: string, version: number) => json<{ counts: Record<string, number>; instances: number }>('GET', `/api/operations/tokens?process=${enc(process)}&version=${version}`),
  instance: (id: string) => json<InstanceView>('GET', `/api/instances/${enc(id)}`),
  editVariables: (id: string, body: EditVariablesBody) => json<InstanceView | Held>('PATCH', `/api/instances/${enc(id)}/variables`, { json: body }),
  move: (id: string, body: MoveBody) => json<InterventionAnswer | Held>('POST', `/api/instances/${enc(id)}/move`, { json: body }),
  restart: (id: string, body: RestartBody) => json<InterventionAnswer>('POST', `/api/instances/${enc(id)}/restart`, { json: body }),
  migrate: (body: MigrationBody) => json<MigrationOutcome | Held>('POST', '/api/migrations', { json: body }),
  cancelTimer: (id: string, reason: string) => json<unknown>('POST', `/api/timers/${enc(id)}/cancel`, { json: { reason } satisfies TimerCancelBody }),
  fireTimer: (id: string, reason: string) => json<unknown>('POST', `/api/timers/${enc(id)}/fire`, { json: { reason } satisfies FireTimerBody }),
  rescheduleTimer: (id: string, dueAt: string, reason: string) => json<unknown>('POST', `/api/timers/${enc(id)}/reschedule`, { json: { dueAt, reason } satisfies RescheduleTimerBody }),
  xml: async (key: string, version: number) => (await fetch(`/api/definitions/${enc(key)}/versions/${version}/xml`, { credentials: 'same-origin' })).text(),
};

const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const MOVABLE = new Set(['userTask', 'manualTask', 'task', 'receiveTask', 'serviceTask', 'sendTask', 'businessRuleTask', 'intermediateCatchEvent', 'endEvent', 'exclusiveGateway']);

/** The activities of a diagram a token can be moved to: id and name, in document order. */
export function activitiesOf(xml: string): { id: string; name: string }[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return [...doc.getElementsByTagNameNS(BPMN, '*')].flatMap((node) => {
    const id = node.getAttribute('id');
    return MOVABLE.has(node.localName) && id ? [{ id, name: node.getAttribute('name') ?? id }] : [];
  });
}
