import { ForbiddenError } from '../errors.js';
import type { TaskRecord } from '../tasks/task.js';
import type { Role } from '../users/user.js';
import type { Principal } from './principal.js';

/**
 * Who may do what, in one place, used by the REST routes and the socket commands alike.
 * admin: manage people, intervene, act on any task. auditor: read everything, change nothing.
 * process-owner: deploy, and work the queues of their departments. staff: the tasks of their
 * departments and those assigned to them.
 * Browser-safe (the inbox page uses `canSeeTask`): no Node imports here.
 */
const SEES_EVERYTHING = new Set<Role>(['admin', 'auditor']);

/** What the visibility checks read of a caller: a Principal, or the browser's signed-in user. */
type Viewer = Pick<Principal, 'role' | 'username' | 'departments'>;

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ForbiddenError(`This needs the role ${roles.join(' or ')}; ${principal.username} is ${principal.role}`);
  }
}

export function seesEverything(principal: Viewer): boolean {
  return SEES_EVERYTHING.has(principal.role);
}

export function canSeeDepartment(principal: Principal, departmentId: string): boolean {
  return seesEverything(principal) || principal.departments.includes(departmentId);
}

export function canSeeTask(principal: Viewer, task: Pick<TaskRecord, 'department' | 'assignee'>): boolean {
  if (seesEverything(principal)) return true;
  return task.assignee === principal.username || (task.department !== null && principal.departments.includes(task.department));
}

/** Claim, release, complete, pass up, hand over, comment. */
export function assertCanActOnTask(principal: Principal, task: Pick<TaskRecord, 'department' | 'assignee'>): void {
  if (principal.role === 'auditor') throw new ForbiddenError('Auditors read; they do not change tasks');
  if (principal.role === 'admin') return;
  if (!canSeeTask(principal, task)) throw new ForbiddenError('The task belongs to a department you are not in');
}
