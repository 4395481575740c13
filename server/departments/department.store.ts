import type { DepartmentRecord } from './department.js';

export interface DepartmentStore {
  /** Inserts or replaces by id. */
  upsert(department: DepartmentRecord): Promise<void>;
  get(id: string): Promise<DepartmentRecord | null>;
  /** Ordered by id. */
  list(): Promise<DepartmentRecord[]>;
}
