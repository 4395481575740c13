/**
 * The technician's day: their open visits with where and for whom, and the visit's progress —
 * on my way (with an ETA from the distance), arrived — recorded as audit events of the ticket, so
 * the customer's status page, replay and the field KPIs read one history.
 */
import type { AuditStore } from '../audit/audit.store.js';
import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { Asset } from './field.js';
import type { FieldStore } from './field.store.js';
import { TECHNICIANS } from './field.service.js';
import { distanceKm, etaMinutes } from './geo.js';

export type VisitState = 'assigned' | 'on-the-way' | 'arrived';

/** Where a visit stands, as the customer and the technician see it. */
export interface VisitProgress {
  taskId: string;
  technician: string | null;
  state: VisitState;
  etaAt: string | null;
  distanceKm: number | null;
  arrivedAt: string | null;
}

export interface DayVisit extends VisitProgress {
  instanceId: string;
  ticketNumber: string;
  name: string;
  taskVersion: number;
  dueAt: string | null;
  asset: Pick<Asset, 'id' | 'type' | 'address' | 'lat' | 'lon'> | null;
  customerName: string | null;
  description: string | null;
  formKey: string | null;
}

const ON_THE_WAY = 'visit.on-the-way';
const ARRIVED = 'visit.arrived';
/** Arriving up to this long after the promised time still counts as on time. */
export const ON_TIME_GRACE_MS = 15 * 60_000;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

export class VisitService {
  constructor(private readonly deps: { field: FieldStore; tasks: TaskStore; instances: InstanceStore; audit: AuditStore; clock: Clock; runner: Pick<InstanceRunner, 'amend'> }) {}

  /** The signed-in technician's open visits, the earliest due first. */
  async day(principal: Principal): Promise<DayVisit[]> {
    const tasks = (await this.deps.tasks.list({ assignee: principal.username, status: 'open', limit: 200 })).filter((task) => task.department === TECHNICIANS);
    const visits = await Promise.all(tasks.map((task) => this.dayVisit(task)));
    return visits.sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999') || a.ticketNumber.localeCompare(b.ticketNumber));
  }

  async onMyWay(principal: Principal, taskId: string): Promise<VisitProgress> {
    const task = await this.ownVisit(principal, taskId);
    const [profile, asset] = await Promise.all([this.deps.field.getProfile(principal.username), this.assetOf(task.instanceId)]);
    const km = profile?.home && asset ? Math.round(distanceKm(profile.home, asset) * 10) / 10 : null;
    const now = this.deps.clock.now();
    const etaAt = km === null ? null : new Date(now.getTime() + etaMinutes(km) * 60_000).toISOString();
    await this.record(task, principal.username, ON_THE_WAY, { technician: principal.username, distanceKm: km, etaMinutes: km === null ? null : etaMinutes(km), etaAt });
    return this.progress(task);
  }

  async arrived(principal: Principal, taskId: string): Promise<VisitProgress> {
    const task = await this.ownVisit(principal, taskId);
    const before = await this.progress(task);
    if (before.state === 'arrived') throw new ConflictError('Arrival is recorded already');
    const at = this.deps.clock.now();
    const onTime = before.etaAt === null ? null : at.getTime() <= Date.parse(before.etaAt) + ON_TIME_GRACE_MS;
    await this.record(task, principal.username, ARRIVED, { technician: principal.username, etaAt: before.etaAt, onTime });
    return this.progress(task);
  }

  /** The progress of the instance's open visit (for the status page); null when none is open. */
  async openVisit(instanceId: string): Promise<VisitProgress | null> {
    const open = await this.deps.tasks.list({ instanceId, status: 'open' });
    const visit = open.find((task) => task.department === TECHNICIANS && task.assignee);
    return visit ? this.progress(visit) : null;
  }

  async progress(task: TaskRecord): Promise<VisitProgress> {
    const events = (await this.deps.audit.forInstance(task.instanceId)).filter((event) => event.data['taskId'] === task.id && (event.type === ON_THE_WAY || event.type === ARRIVED));
    const progress: VisitProgress = { taskId: task.id, technician: task.assignee, state: 'assigned', etaAt: null, distanceKm: null, arrivedAt: null };
    for (const event of events) {
      // A visit handed to another technician starts over for them.
      if (event.data['technician'] !== task.assignee) continue;
      if (event.type === ON_THE_WAY) {
        Object.assign(progress, { state: 'on-the-way', etaAt: text(event.data['etaAt']), distanceKm: typeof event.data['distanceKm'] === 'number' ? event.data['distanceKm'] : null });
      } else {
        Object.assign(progress, { state: 'arrived', arrivedAt: event.at });
      }
    }
    return progress;
  }

  private async dayVisit(task: TaskRecord): Promise<DayVisit> {
    const instance = await this.deps.instances.get(task.instanceId);
    const variables = instance?.variables ?? {};
    const asset = await this.assetOf(task.instanceId);
    return {
      ...(await this.progress(task)),
      instanceId: task.instanceId,
      ticketNumber: task.ticketNumber,
      name: task.name,
      taskVersion: task.version,
      dueAt: task.dueAt,
      asset: asset ? { id: asset.id, type: asset.type, address: asset.address, lat: asset.lat, lon: asset.lon } : null,
      customerName: text(variables['customerName']),
      description: text(variables['description']),
      formKey: task.formKey,
    };
  }

  private async assetOf(instanceId: string): Promise<Asset | null> {
    const instance = await this.deps.instances.get(instanceId);
    const id = text(instance?.variables['equipmentId']) ?? text(instance?.variables['assetId']);
    return id ? this.deps.field.getAsset(id) : null;
  }

  private async ownVisit(principal: Principal, taskId: string): Promise<TaskRecord> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Task ${taskId} does not exist`);
    if (task.assignee !== principal.username) throw new ForbiddenError('Only the technician the visit is assigned to reports its progress');
    if (task.status !== 'open') throw new ConflictError(`The visit is ${task.status}`);
    return task;
  }

  private async record(task: TaskRecord, actor: string, type: string, data: Record<string, unknown>): Promise<void> {
    await this.deps.runner.amend(task.instanceId, () => ({ tasks: [], audit: [{ type, actor, elementId: task.elementId, data: { taskId: task.id, ...data } }] }));
  }
}
