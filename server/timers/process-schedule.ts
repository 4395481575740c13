/** When a process starts itself next: one row per timer start event of its latest version. */
export interface ProcessScheduleRecord {
  /** `start:<processKey>:<elementId>` */
  id: string;
  processKey: string;
  definitionId: string;
  elementId: string;
  /** The start timer's literal value, to tell a changed schedule from a kept one on redeploy. */
  value: string;
  dueAt: string;
  /** How many instances this schedule started (a cycle `R3/...` stops after 3). */
  fired: number;
}

/** agenda job name of a process's scheduled start. */
export const PROCESS_START_JOB = 'baton.process-start';

export interface ProcessScheduleStore {
  due(at: Date, limit: number): Promise<ProcessScheduleRecord[]>;
  forProcess(processKey: string): Promise<ProcessScheduleRecord[]>;
  get(id: string): Promise<ProcessScheduleRecord | null>;
  /** Inserts or replaces a schedule (its agenda job). */
  put(schedule: ProcessScheduleRecord): Promise<void>;
  remove(id: string): Promise<void>;
}
