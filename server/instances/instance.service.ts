import type { AuditEvent } from '../audit/audit-event.js';
import type { AuditStore } from '../audit/audit.store.js';
import { withCustomerLang } from '../customer/customer-lang.js';
import type { DefinitionService } from '../definitions/definition.service.js';
import { NotFoundError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { InstanceSummary, StartInstance } from '../contracts/instances.js';
import { taskView, type TaskView } from '../tasks/task-sla.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { TimerRecord } from '../timers/timer.js';
import type { TimerStore } from '../timers/timer.store.js';
import type { IncidentRecord, InstanceFilter, InstanceRecord } from './instance.js';
import type { InstanceRunner, StepResult } from './instance-runner.js';
import type { InstanceStore } from './instance.store.js';

/** An instance as the API shows it: no engine internals, with what is open on it. */
export interface InstanceView extends Omit<InstanceRecord, 'state' | 'auditHead' | 'engineVersion'> {
  openTasks: TaskView[];
  incidents: IncidentRecord[];
  timers: TimerRecord[];
}

export type { InstanceSummary, StartInstance };

export class InstanceService {
  constructor(
    private readonly instances: InstanceStore,
    private readonly tasks: TaskStore,
    private readonly timers: TimerStore,
    private readonly audit: AuditStore,
    private readonly definitions: DefinitionService,
    private readonly runner: InstanceRunner,
    private readonly clock: Clock,
  ) {}

  async start(request: StartInstance, actor: string): Promise<StepResult> {
    const definition = await this.definitions.latest(request.processKey);
    return this.runner.start(definition, { variables: withCustomerLang(request.variables), businessKey: request.businessKey, actor });
  }

  async get(id: string): Promise<InstanceView> {
    const instance = await this.require(id);
    const [openTasks, incidents, timers] = await Promise.all([this.tasks.list({ instanceId: id, status: 'open' }), this.instances.incidents(id), this.timers.forInstance(id)]);
    const { state: _state, auditHead: _head, engineVersion: _engine, ...rest } = instance;
    const now = this.clock.now();
    return { ...rest, openTasks: openTasks.map((task) => taskView(task, now)), incidents, timers };
  }

  async list(filter: InstanceFilter): Promise<InstanceSummary[]> {
    const instances = await this.instances.list(filter);
    return instances.map(({ state: _s, auditHead: _h, engineVersion: _e, variables: _v, ...rest }) => rest);
  }

  async cancel(id: string, reason: string, actor: string): Promise<InstanceView> {
    await this.require(id);
    await this.runner.apply(id, { kind: 'cancel', reason, actor });
    return this.get(id);
  }

  async retryIncident(id: string, incidentId: string, actor: string, reason = 'retried by API'): Promise<InstanceView> {
    await this.require(id);
    await this.runner.apply(id, { kind: 'retry', incidentId, actor, reason });
    return this.get(id);
  }

  async auditTrail(id: string): Promise<AuditEvent[]> {
    await this.require(id);
    return this.audit.forInstance(id);
  }

  private async require(id: string): Promise<InstanceRecord> {
    const instance = await this.instances.get(id);
    if (!instance) throw new NotFoundError(`Instance ${id} does not exist`);
    return instance;
  }
}
