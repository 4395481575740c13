/**
 * The analytics projections: folded from the audit log by the projector, read by the reports.
 * Every read method answers from one consistent snapshot of the projections (one read
 * transaction), so a report never mixes two moments.
 */

/** A time range, ISO instants: `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: string;
  to: string;
}

/** One action of a person in a range, as the monthly report groups them. */
export interface ActionFact {
  kind: 'completed' | 'resolved' | 'passed-up' | 'handed-over' | 'escalated' | 'reopened';
  username: string | null;
  department: string | null;
  instanceId: string;
  processKey: string;
  durationMs: number | null;
}

export interface FeedbackFact {
  instanceId: string;
  rating: number;
}

export interface MonthlyFacts {
  actions: ActionFact[];
  /** Feedback on the instances resolved or passed up in the range (CSAT is credited to whoever resolved). */
  feedback: FeedbackFact[];
}

export interface TaskFact {
  taskId: string;
  instanceId: string;
  version: number;
  elementId: string;
  department: string | null;
  customer: boolean;
  completedBy: string | null;
  createdAt: string;
  endedAt: string | null;
  status: 'open' | 'completed' | 'cancelled';
  dueAt: string | null;
  escalated: boolean;
  reopened: boolean;
  queueMs: number | null;
  workMs: number | null;
}

/** What the heatmap reads of a task: read from one covering index, nothing else. */
export type ActivityTaskFact = Pick<TaskFact, 'elementId' | 'customer' | 'createdAt' | 'endedAt' | 'dueAt' | 'escalated' | 'queueMs' | 'workMs'>;

export interface ActivityFacts {
  tasks: ActivityTaskFact[];
  elements: ElementCount[];
}

export interface ElementCount {
  version: number;
  elementId: string;
  /** `activity`: tokens that left the element; `flow`: times the sequence flow was taken. */
  kind: 'activity' | 'flow';
  count: number;
}

export interface InstanceFact {
  instanceId: string;
  version: number;
  startedAt: string;
  endedAt: string | null;
  status: string;
  userTasks: number;
  passUps: number;
  handOvers: number;
  escalations: number;
  resolver: string | null;
  resolverDepartment: string | null;
  customerWaitMs: number;
  rating: number | null;
}

export interface ProcessFacts {
  tasks: TaskFact[];
  elements: ElementCount[];
  /** Instances started before `to` and not ended before `from`: the range's work and backlog. */
  instances: InstanceFact[];
}

/** The whole projection as rows, for comparing a rebuilt projection with the live one. */
export type ProjectionDump = Record<string, unknown[]>;

export interface AnalyticsStore {
  /**
   * Folds up to `limit` audit events after the cursor into the projections and moves the cursor,
   * in one transaction. Returns how many were folded (0: up to date).
   */
  foldNext(limit: number): Promise<number>;
  /** Empties the projections and puts the cursor at the start of the log (one transaction). */
  reset(): Promise<void>;
  /** The cursor, and whether it still names the event it was set on (false: the log was renumbered; rebuild). */
  cursor(): Promise<{ position: number; valid: boolean; behind: number }>;
  monthlyFacts(range: TimeRange): Promise<MonthlyFacts>;
  /** The heatmap's facts: a process's tasks created in the range (lean) and element counts in it. */
  activityFacts(processKey: string, range: TimeRange, version?: number): Promise<ActivityFacts>;
  /** A process's tasks created in the range, element counts in it, instances overlapping it. */
  processFacts(processKey: string, range: TimeRange, version?: number): Promise<ProcessFacts>;
  dump(): Promise<ProjectionDump>;
}
