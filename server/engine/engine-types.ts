/**
 * The slice of bpmn-engine / bpmn-elements objects Baton reads. The packages' own typings are
 * partly `any`; narrowing them here keeps the rest of the engine code strictly typed.
 */
export interface ElementApi {
  id: string;
  type: string;
  name?: string;
  executionId: string;
  content: {
    executionId?: string;
    parent?: { id?: string; executionId?: string };
    message?: { id?: string; name?: string };
    output?: unknown;
    isResumed?: boolean;
    expireAt?: string | Date;
    timerType?: string;
    state?: string;
    sourceId?: string;
    targetId?: string;
    error?: { message?: string };
    [key: string]: unknown;
  };
  owner: {
    id: string;
    type: string;
    name?: string;
    behaviour: Record<string, unknown>;
    lane?: { id: string; name?: string };
  };
  environment: { variables: Record<string, unknown> };
  signal(message?: Record<string, unknown>): void;
  discard(): void;
  /** bpmn-elements' Api: `error` with `{ message, code }` fails a waiting task with a BPMN error its boundary events can catch. */
  sendApiMessage(action: string, content?: Record<string, unknown>): void;
}

export interface EngineProcess {
  id: string;
  environment: { variables: Record<string, unknown> };
  getApi(): { discard(): void };
}

export interface EngineDefinition {
  getProcesses(): EngineProcess[];
  getRunningProcesses(): EngineProcess[];
}

/** Engine state as saved: `definitions[].source` is removed before saving. */
export interface EngineState {
  engineVersion?: string;
  definitions?: { source?: unknown; [key: string]: unknown }[];
  [key: string]: unknown;
}
