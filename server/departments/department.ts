/** A team that works a queue of tasks. Departments form the escalation pyramid through `parentId`. */
export interface DepartmentRecord {
  id: string;
  name: string;
  parentId: string | null;
}
