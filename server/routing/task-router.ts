import type { DepartmentRecord } from '../departments/department.js';
import type { DepartmentStore } from '../departments/department.store.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { UserRecord } from '../users/user.js';
import type { UserStore } from '../users/user.store.js';
import { laneKeys } from './lane-match.js';

export const ASSIGNMENT_RULES = ['claim', 'round-robin', 'least-loaded', 'skills'] as const;
export type AssignmentRule = (typeof ASSIGNMENT_RULES)[number];

/** What the diagram says about where a user task goes, resolved against the instance's data. */
export interface RoutingInput {
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  laneName: string | null;
  /** camunda:properties of the task: `assignment`, `requiredSkills`. */
  properties: Record<string, string>;
}

export interface RoutingDecision {
  /** A department id; one that names no department leaves the task in the unrouted queue. */
  department: string | null;
  assignee: string | null;
  /** Why, in words, for the task and the audit log. */
  reason: string;
}

export interface TaskRouting {
  route(input: RoutingInput): Promise<RoutingDecision>;
}

/**
 * Routes a task as it opens: department from the candidate groups, else the lane (by department
 * id in any case, or name); owner from the assignee, a single candidate user, or the assignment rule.
 * Reads happen before the step's transaction, under the instance's one-writer queue: two
 * instances opening tasks at the same moment can both pick the same least-loaded person, which
 * only makes the balance approximate.
 */
export class TaskRouter implements TaskRouting {
  constructor(
    private readonly departments: DepartmentStore,
    private readonly users: UserStore,
    private readonly tasks: TaskStore,
  ) {}

  async route(input: RoutingInput): Promise<RoutingDecision> {
    const { department, why } = await this.department(input);
    if (input.assignee) return { department, assignee: input.assignee, reason: `${why}; assignee set on the task` };
    const [only] = input.candidateUsers;
    if (input.candidateUsers.length === 1 && only !== undefined) {
      return { department, assignee: only, reason: `${why}; the only candidate user` };
    }
    const rule = ruleOf(input.properties['assignment']);
    if (rule === 'claim' || department === null) return { department, assignee: null, reason: `${why}; waits in the queue to be claimed` };
    const pool = await this.pool(department, input.candidateUsers);
    const picked = await this.pick(rule, pool, input.properties['requiredSkills']);
    if (!picked.user) return { department, assignee: null, reason: `${why}; ${rule}: ${picked.why}, waits in the queue` };
    return { department, assignee: picked.user.username, reason: `${why}; ${rule}: ${picked.why}` };
  }

  private async department(input: RoutingInput): Promise<{ department: string | null; why: string }> {
    const group = input.candidateGroups[0];
    if (group) {
      const known = await this.departments.get(group);
      return { department: group, why: known ? `candidate group ${group}` : `candidate group ${group} (no such department yet: unrouted)` };
    }
    if (input.laneName) {
      const lane = input.laneName.trim();
      const match = matchLane(await this.departments.list(), lane);
      if (match) return { department: match.id, why: `lane '${lane}'` };
      return { department: lane, why: `lane '${lane}' (no such department yet: unrouted)` };
    }
    return { department: null, why: 'no department on the task (unrouted)' };
  }

  /** Enabled members of the department, narrowed to the candidate users when the task names some. */
  private async pool(department: string, candidateUsers: string[]): Promise<UserRecord[]> {
    const members = await this.users.inDepartment(department);
    return candidateUsers.length ? members.filter((user) => candidateUsers.includes(user.username)) : members;
  }

  private async pick(rule: Exclude<AssignmentRule, 'claim'>, pool: UserRecord[], requiredSkills = ''): Promise<{ user: UserRecord | null; why: string }> {
    let candidates = pool;
    if (rule === 'skills') {
      const needed = requiredSkills
        .split(',')
        .map((skill) => skill.trim())
        .filter(Boolean);
      candidates = pool.filter((user) => needed.every((skill) => user.skills.includes(skill)));
      if (!candidates.length) return { user: null, why: `nobody has ${needed.join(', ') || 'the skills'}` };
    }
    if (!candidates.length) return { user: null, why: 'nobody in the department' };
    const stats = new Map((await this.tasks.assignmentStats(candidates.map((user) => user.username))).map((stat) => [stat.username, stat]));
    const open = (user: UserRecord) => stats.get(user.username)?.open ?? 0;
    const last = (user: UserRecord) => stats.get(user.username)?.lastAssignedAt ?? '';
    // Sorting is stable and candidates come ordered by username, so ties go alphabetically.
    const ordered = rule === 'round-robin' ? [...candidates].sort((a, b) => last(a).localeCompare(last(b))) : [...candidates].sort((a, b) => open(a) - open(b));
    const user = ordered[0];
    if (!user) return { user: null, why: 'nobody in the department' };
    const why =
      rule === 'round-robin' ? `${user.username} was assigned least recently` : `${user.username} has the fewest open tasks (${open(user)})${rule === 'skills' ? ' among those with the skills' : ''}`;
    return { user, why };
  }
}

function ruleOf(value: string | undefined): AssignmentRule {
  const rule = (value ?? '').trim();
  return (ASSIGNMENT_RULES as readonly string[]).includes(rule) ? (rule as AssignmentRule) : 'claim';
}

/** By id first, then by name (lane-match.ts, shared with the diagram rules). */
function matchLane(departments: DepartmentRecord[], lane: string): DepartmentRecord | undefined {
  const { ids, name } = laneKeys(lane);
  return departments.find((department) => ids.includes(department.id)) ?? departments.find((department) => department.name.toLowerCase() === name);
}
