import type { DepartmentPatch, DepartmentView } from '../contracts/departments.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.js';
import type { DepartmentRecord } from './department.js';
import type { DepartmentStore } from './department.store.js';

/** A department as the API shows it: with the business calendar it works by (issue 16). */
export type { DepartmentView };

/** Where departments' calendars are kept and checked (calendars/calendar.service.ts). */
export interface DepartmentCalendars {
  departmentCalendars(): Promise<Record<string, string>>;
  /** Throws NotFoundError for an unknown calendar. */
  setDepartmentCalendar(departmentId: string, calendarId: string | null): Promise<void>;
}

/**
 * The escalation pyramid. A department created with the id a candidate group already names takes
 * over that group's unrouted tasks at once: tasks keep the group as their department, and a task
 * is "unrouted" only while no department of that id exists.
 */
export class DepartmentService {
  constructor(
    private readonly departments: DepartmentStore,
    private readonly onCreated: (department: DepartmentRecord) => void = () => undefined,
    private readonly calendars: DepartmentCalendars | null = null,
  ) {}

  async list(): Promise<DepartmentView[]> {
    const calendars = (await this.calendars?.departmentCalendars()) ?? {};
    return (await this.departments.list()).map((department) => ({ ...department, calendarId: calendars[department.id] ?? null }));
  }

  async get(id: string): Promise<DepartmentView> {
    const department = await this.departments.get(id);
    if (!department) throw new NotFoundError(`Department ${id} does not exist`);
    const calendars = (await this.calendars?.departmentCalendars()) ?? {};
    return { ...department, calendarId: calendars[id] ?? null };
  }

  async create(department: DepartmentRecord): Promise<DepartmentRecord> {
    if (await this.departments.get(department.id)) throw new ConflictError(`Department ${department.id} exists already`);
    if (department.parentId !== null) await this.get(department.parentId);
    await this.departments.upsert(department);
    this.onCreated(department);
    return department;
  }

  async update(id: string, patch: DepartmentPatch): Promise<DepartmentView> {
    const { calendarId: currentCalendar, ...current } = await this.get(id);
    const next = { ...current, name: patch.name ?? current.name, parentId: patch.parentId === undefined ? current.parentId : patch.parentId };
    if (next.parentId !== null) await this.assertNoCycle(id, next.parentId);
    if (patch.calendarId !== undefined) {
      if (!this.calendars) throw new InvalidInputError('Calendars are not available here');
      // Checked (and stored) first: an unknown calendar refuses the whole change.
      await this.calendars.setDepartmentCalendar(id, patch.calendarId);
    }
    await this.departments.upsert(next);
    return { ...next, calendarId: patch.calendarId === undefined ? currentCalendar : patch.calendarId };
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
