import type { DepartmentRecord as Department } from '../../../server/departments/department.js';

export interface DepartmentNode {
  department: Department;
  children: DepartmentNode[];
}

/** Departments as a forest: children under their parent, roots first, each level by name. DOM-free. */
export function departmentTree(departments: Department[]): DepartmentNode[] {
  const ids = new Set(departments.map((department) => department.id));
  const build = (parentId: string | null): DepartmentNode[] =>
    departments
      .filter((department) => (parentId === null ? department.parentId === null || !ids.has(department.parentId) : department.parentId === parentId))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((department) => ({ department, children: build(department.id) }));
  return build(null);
}
