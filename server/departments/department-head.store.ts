/**
 * Who heads each department (the person the escalation pyramid names at that level). Kept apart
 * from the department record so the departments port stays as it is; one row per department
 * with a head.
 */
export interface DepartmentHeadStore {
  /** Department id → username of its head. */
  all(): Promise<Record<string, string>>;
  /** Sets (or with null removes) a department's head. */
  set(departmentId: string, username: string | null): Promise<void>;
}
