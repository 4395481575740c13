import { EventEmitter } from 'node:events';

import type { OutboxMessage } from '../outbox/outbox-message.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TimerRecord } from '../timers/timer.js';
import type { IncidentRecord, InstanceRecord } from './instance.js';

export interface StepCommitted {
  instance: InstanceRecord;
  tasks: TaskRecord[];
  timers: TimerRecord[];
  incidents: IncidentRecord[];
  outbox: OutboxMessage[];
  /** Timers that fired in the step: when they were due and when they fired. */
  fired: { elementId: string; scheduledAt: string; firedAt: string }[];
}

interface InstanceEventMap {
  'step.committed': [StepCommitted];
  'incident.raised': [IncidentRecord];
}

/**
 * What happened after a step committed, for whoever pushes it on (live inbox, timer scheduler,
 * outbox dispatcher). Emitted only after the transaction, so listeners never see unsaved state.
 */
export class InstanceEvents extends EventEmitter<InstanceEventMap> {}
