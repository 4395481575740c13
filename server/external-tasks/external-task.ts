/**
 * A service task whose topic (Camunda 7 `camunda:type="external" camunda:topic`, Camunda 8
 * `zeebe:taskDefinition type`) has no built-in connector: it waits for an external worker, which
 * fetches and locks it, then completes it, reports a failure or throws a BPMN error.
 */
export type ExternalTaskStatus = 'open' | 'completed' | 'cancelled' | 'incident';

/**
 * `worker`: an external worker fetches it. `call`: a call activity of a process deployed on its
 * own; Baton itself is the worker (calls/call.service.ts starts the child instance and completes
 * the call when the child ends).
 */
export type ExternalTaskKind = 'worker' | 'call';

export interface ExternalTaskRecord {
  /** `<instance id>:<executionId>`: the engine's run of the task, stable across steps. */
  id: string;
  instanceId: string;
  executionId: string;
  elementId: string;
  topic: string;
  processKey: string;
  ticketNumber: string;
  businessKey: string | null;
  status: ExternalTaskStatus;
  kind: ExternalTaskKind;
  /** For a call: the child instance, once started. */
  childInstanceId: string | null;
  /** The task's input parameters (camunda:inputParameter, zeebe:input), evaluated when it opened. */
  input: Record<string, unknown>;
  /** zeebe:taskHeaders / camunda:properties of the task: static settings for the worker. A call: its binding (`binding`, `version`, `versionTag`) and `out` mappings (JSON). */
  headers: Record<string, string>;
  /** Left after the worker's last failure; null until it reports one. */
  retries: number | null;
  errorMessage: string | null;
  /** Who holds the lock, until when (ISO); a lock past its time is free for anyone. */
  workerId: string | null;
  lockExpiresAt: string | null;
  /** Not handed out before this (a failure's retry timeout). */
  availableAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LockRequest {
  workerId: string;
  topics: { name: string; lockDurationMs: number }[];
  maxTasks: number;
  now: Date;
}
