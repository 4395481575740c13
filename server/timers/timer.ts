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
}
