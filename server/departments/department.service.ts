import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import type { DepartmentRecord } from './department.js';
import type { DepartmentStore } from './department.store.js';

/**
 * The escalation pyramid. A department created with the id a candidate group already names takes
 * over that group's unrouted tasks at once: tasks keep the group as their department, and a task
 * is "unrouted" only while no department of that id exists.
 */
export class DepartmentService {
  constructor(
    private readonly departments: DepartmentStore,
    private readonly onCreated: (department: DepartmentRecord) => void = () => undefined,
  ) {}

  list(): Promise<DepartmentRecord[]> {
    return this.departments.list();
  }

  async get(id: string): Promise<DepartmentRecord> {
    const department = await this.departments.get(id);
    if (!department) throw new NotFoundError(`Department ${id} does not exist`);
    return department;
  }

  async create(department: DepartmentRecord): Promise<DepartmentRecord> {
    if (await this.departments.get(department.id)) throw new ConflictError(`Department ${department.id} exists already`);
    if (department.parentId !== null) await this.get(department.parentId);
    await this.departments.upsert(department);
    this.onCreated(department);
    return department;
  }

  async update(id: string, patch: { name?: string | undefined; parentId?: string | null | undefined }): Promise<DepartmentRecord> {
    const current = await this.get(id);
    const next = { ...current, name: patch.name ?? current.name, parentId: patch.parentId === undefined ? current.parentId : patch.parentId };
    if (next.parentId !== null) await this.assertNoCycle(id, next.parentId);
    await this.departments.upsert(next);
    return next;
  }

  /** The department a task passed up from `id` goes to; null at the top of the pyramid. */
  async parentOf(id: string): Promise<DepartmentRecord | null> {
    const department = await this.departments.get(id);
    return department?.parentId ? this.departments.get(department.parentId) : null;
  }

  private async assertNoCycle(id: string, parentId: string): Promise<void> {
    const all = new Map((await this.departments.list()).map((department) => [department.id, department]));
    if (!all.has(parentId)) throw new NotFoundError(`Department ${parentId} does not exist`);
    for (let current: string | null = parentId; current !== null; current = all.get(current)?.parentId ?? null) {
      if (current === id) throw new InvalidInputError(`Department ${id} cannot sit under ${parentId}: that makes a loop`);
    }
  }
}
