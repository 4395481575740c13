/** A BPMN timer the engine armed and that must wake its instance when due. */
export interface TimerRecord {
  /** `${instanceId}:${executionId}`: one record per timer run, never duplicated. */
  id: string;
  instanceId: string;
  /** The timer event definition's executionId (stable across recover). */
  executionId: string;
  /** The timer or boundary event element. */
  elementId: string;
  timerType: string;
  dueAt: string;
  /** How a duration timer counts, so a calendar change or a pause can move it (issue 16); absent for dates and cycles. */
  clock?: TimerClock;
}

/**
 * The count behind a duration timer's due time: working time of a calendar, or wall time. The due
 * time is always `from` + `remainingMs` counted in that calendar; a pause takes the time counted so
 * far off `remainingMs` and sets `from` to null, a resume sets `from` to the moment it resumed.
 */
export interface TimerClock {
  /** As the diagram names it: a calendar id, `department`, or null for wall time. */
  calendar: string | null;
  /** The calendar counted in; null: wall time (none named, or the department has none). */
  calendarId: string | null;
  /** What is still to count from `from` (working milliseconds with a calendar). */
  remainingMs: number;
  /** When counting (re)started (ISO); null while paused. */
  from: string | null;
  /** For `department`: the task whose department's calendar it counts in (set when the task is routed; a pass-up or hand-over moves it). */
  taskId?: string;
}

/** The pending timers' due times by executionId: what a step's engine re-arms them with. */
export function dueTimesOf(timers: readonly TimerRecord[]): Map<string, Date> {
  return new Map(timers.map((timer) => [timer.executionId, new Date(timer.dueAt)]));
}
