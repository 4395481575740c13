import { verifyChain } from '../../server/audit/audit-chain.js';
import type { AuditEvent } from '../../server/audit/audit-event.js';
import type { TaskView } from '../../server/tasks/task-sla.js';

/** The instance fields the checks read from GET /api/instances. */
interface InstanceSummary {
  id: string;
  ticketNumber: string;
  businessKey: string | null;
  status: string;
}

export interface Expectation {
  baseUrl: string;
  /** Authorization of a reader (the demo admin). */
  headers: Record<string, string>;
  processKey: string;
  /** Every business key that must exist exactly once. */
  businessKeys: string[];
  /** Element ids of the user tasks each instance passes through, once each. */
  userTasks: string[];
}

/**
 * Checks what "every instance finishes exactly once with no duplicate task" means, over HTTP, and
 * answers every violation found (an empty list when all hold), so one run shows the whole damage.
 */
export async function violations(expect: Expectation): Promise<string[]> {
  const found: string[] = [];
  const { baseUrl, processKey } = expect;
  const limit = 500;

  const instances = await getJson<InstanceSummary[]>(expect.headers, `${baseUrl}/api/instances?${new URLSearchParams({ processKey, limit: String(limit) })}`);
  if (instances.length !== expect.businessKeys.length) {
    found.push(`expected ${expect.businessKeys.length} instances of ${processKey}, found ${instances.length}`);
  }
  const byKey = new Map<string, InstanceSummary[]>();
  for (const instance of instances) {
    const key = instance.businessKey ?? '<none>';
    byKey.set(key, [...(byKey.get(key) ?? []), instance]);
    if (instance.status !== 'completed') found.push(`${key} (${instance.id}) is ${instance.status}, not completed`);
  }
  for (const key of expect.businessKeys) {
    const count = byKey.get(key)?.length ?? 0;
    if (count !== 1) found.push(`business key ${key}: ${count} instances`);
  }
  for (const key of byKey.keys()) if (!expect.businessKeys.includes(key)) found.push(`unexpected instance with business key ${key}`);

  const tickets = new Map<string, number>();
  for (const instance of instances) tickets.set(instance.ticketNumber, (tickets.get(instance.ticketNumber) ?? 0) + 1);
  for (const [ticket, count] of tickets) if (count > 1) found.push(`ticket ${ticket} is used by ${count} instances`);
  // Numbers are taken with the start's commit: a refused or crashed start burns none.
  const numbers = instances.map((instance) => Number(instance.ticketNumber.split('-').at(-1))).sort((a, b) => a - b);
  const gap = numbers.findIndex((value, index) => value !== index + 1);
  if (gap >= 0) found.push(`ticket numbers are not 1..${numbers.length}: number ${gap + 1} is missing (next is ${numbers[gap]})`);

  // No task belongs to an instance the list does not show (a task of a lost or duplicate start).
  const allTasks = await getJson<TaskView[]>(expect.headers, `${baseUrl}/api/tasks?${new URLSearchParams({ processKey, limit: String(limit) })}`);
  const wantedTasks = expect.businessKeys.length * expect.userTasks.length;
  if (allTasks.length !== wantedTasks && wantedTasks <= limit) found.push(`expected ${wantedTasks} tasks of ${processKey} in all, found ${allTasks.length}`);
  const ids = new Set(instances.map((instance) => instance.id));
  for (const task of allTasks) if (!ids.has(task.instanceId)) found.push(`task ${task.id} belongs to unknown instance ${task.instanceId}`);

  await forEachLimit(instances, 20, async (instance) => {
    const label = `${instance.businessKey} (${instance.ticketNumber})`;
    const tasks = await getJson<TaskView[]>(expect.headers, `${baseUrl}/api/tasks?${new URLSearchParams({ instanceId: instance.id })}`);
    const elements = tasks.map((task) => task.elementId).sort();
    if (elements.join(',') !== [...expect.userTasks].sort().join(',')) {
      found.push(`${label}: tasks for elements [${elements.join(', ')}], expected one each of [${expect.userTasks.join(', ')}]`);
    }
    for (const task of tasks) if (task.status !== 'completed') found.push(`${label}: task ${task.elementId} is ${task.status}`);

    const events = await getJson<AuditEvent[]>(expect.headers, `${baseUrl}/api/instances/${instance.id}/audit`);
    const broken = verifyChain(events);
    if (broken) found.push(`${label}: audit chain broken at ${broken.seq}: ${broken.reason}`);
    const count = (type: string) => events.filter((event) => event.type === type).length;
    if (count('instance.started') !== 1) found.push(`${label}: ${count('instance.started')} instance.started events`);
    if (count('instance.completed') !== 1) found.push(`${label}: ${count('instance.completed')} instance.completed events`);
    const completions = events.filter((event) => event.type === 'task.completed').map((event) => String(event.data['taskId']));
    const taskIds = tasks.map((task) => task.id).sort();
    if (completions.sort().join(',') !== taskIds.join(',')) {
      found.push(`${label}: task.completed events for [${completions.join(', ')}], tasks are [${taskIds.join(', ')}]`);
    }
    // The chain can be intact and still cut short: the server compares it with the recorded head.
    const check = await getJson<{ valid: boolean; firstInvalid: unknown }>(expect.headers, `${baseUrl}/api/instances/${instance.id}/audit/verify`);
    if (!check.valid) found.push(`${label}: server audit verification failed: ${JSON.stringify(check.firstInvalid)}`);
  });
  return found;
}

async function getJson<T>(headers: Record<string, string>, url: string): Promise<T> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function forEachLimit<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
