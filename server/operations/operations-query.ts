import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import type { OperationsInstanceQuery, OperationsRow } from '../contracts/operations.js';
import type { Store } from '../stores/store.js';
import { savedActiveElements } from './migration-fit.js';
import { assertMayIntervene } from './process-ownership.js';

const HOUR = 3_600_000;
/** How many instances one search or token count reads at most (the page says when it is cut). */
const SCAN = 5_000;

export type { OperationsRow };

/** The operations page's reads: instances by operator filters, and where the tokens of a process version are. */
export class OperationsQuery {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async instances(principal: Principal, query: OperationsInstanceQuery): Promise<{ rows: OperationsRow[]; truncated: boolean }> {
    const startedTo = query.olderThanHours !== undefined ? new Date(this.clock.now().getTime() - query.olderThanHours * HOUR).toISOString() : undefined;
    const candidates = await this.store.instances.list({ processKey: query.process, status: query.status, startedTo, limit: SCAN });
    const allowed = new Map<string, boolean>();
    const rows: OperationsRow[] = [];
    for (const instance of candidates) {
      if (query.version !== undefined && instance.definitionVersion !== query.version) continue;
      if (!allowed.has(instance.definitionId)) {
        const definition = await this.store.definitions.getById(instance.definitionId);
        allowed.set(instance.definitionId, definition !== null && mayIntervene(principal, definition));
      }
      if (!allowed.get(instance.definitionId)) continue;
      const [incidents, tasks] = await Promise.all([this.store.instances.incidents(instance.id), this.store.tasks.list({ instanceId: instance.id, status: 'open' })]);
      const openIncidents = incidents.filter((incident) => incident.status === 'open').length;
      if (query.incident === 'yes' && openIncidents === 0) continue;
      if (query.incident === 'no' && openIncidents > 0) continue;
      const departments = [...new Set(tasks.map((task) => task.department).filter((department): department is string => department !== null))];
      if (query.department && !departments.includes(query.department)) continue;
      rows.push({
        id: instance.id,
        ticketNumber: instance.ticketNumber,
        processKey: instance.processKey,
        definitionVersion: instance.definitionVersion,
        status: instance.status,
        startedAt: instance.startedAt,
        version: instance.version,
        openIncidents,
        departments,
        at: instance.status === 'running' ? savedActiveElements(instance.state) : [],
      });
      if (rows.length >= query.limit) break;
    }
    return { rows, truncated: candidates.length >= SCAN };
  }

  /** Running instances of one version: activity id → how many tokens wait there. */
  async tokens(principal: Principal, processKey: string, version: number): Promise<{ counts: Record<string, number>; instances: number }> {
    const definition = await this.store.definitions.get(processKey, version);
    if (definition) assertMayIntervene(principal, definition);
    const running = await this.store.instances.list({ processKey, status: 'running', limit: SCAN });
    const counts: Record<string, number> = {};
    let instances = 0;
    for (const instance of running) {
      if (instance.definitionVersion !== version) continue;
      instances++;
      for (const elementId of savedActiveElements(instance.state)) counts[elementId] = (counts[elementId] ?? 0) + 1;
    }
    return { counts, instances };
  }
}

function mayIntervene(principal: Principal, definition: { xml: string; key: string }): boolean {
  try {
    assertMayIntervene(principal, definition);
    return true;
  } catch {
    return false;
  }
}
