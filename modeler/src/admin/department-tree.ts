import type { Department } from '../../../server/contracts/departments.js';

export interface DepartmentNode<D extends Department = Department> {
  department: D;
  children: DepartmentNode<D>[];
}

/** Departments as a forest: children under their parent, roots first, each level by name. DOM-free. */
export function departmentTree<D extends Department>(departments: D[]): DepartmentNode<D>[] {
  const ids = new Set(departments.map((department) => department.id));
  const build = (parentId: string | null): DepartmentNode<D>[] =>
    departments
      .filter((department) => (parentId === null ? department.parentId === null || !ids.has(department.parentId) : department.parentId === parentId))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((department) => ({ department, children: build(department.id) }));
  return build(null);
}
