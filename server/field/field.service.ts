/**
 * Field service: technicians' profiles, parts and stock, assets, and dispatch — who goes to a
 * visit and why (dispatch-scoring.ts decides; this file gathers the figures and applies the choice).
 */
import type { StockMoveIntent } from '../engine/connectors/connector.js';
import type { AuditStore } from '../audit/audit.store.js';
import type { Clock } from '../clock.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotEligibleError, NotFoundError } from '../errors.js';
import type { InstanceRunner } from '../instances/instance-runner.js';
import type { InstanceStore } from '../instances/instance.store.js';
import type { TaskRecord } from '../tasks/task.js';
import type { TaskStore } from '../tasks/task.store.js';
import type { UserStore } from '../users/user.store.js';
import type { Principal } from '../auth/principal.js';
import { scoreCandidates, type DispatchCandidate, type DispatchDecision, type PartNeed } from './dispatch-scoring.js';
import {
  DEFAULT_MAX_JOBS_PER_DAY,
  vanLocation,
  type Asset,
  type AssetTicket,
  type GeoPoint,
  type Part,
  type Place,
  type StockLevel,
  type StockMove,
  type TechnicianProfile,
  type Warehouse,
} from './field.js';
import type { FieldStore } from './field.store.js';
import { distanceKm, etaMinutes } from './geo.js';

/** The department whose members are dispatched, unless a diagram names another. */
export const TECHNICIANS = 'technicians';
/** Where a visit nobody can take waits for a person to decide. */
export const DISPATCH_QUEUE = 'dispatch';

export interface DispatchInput {
  assetId?: string | null;
  requiredSkills?: string[] | null;
  parts?: PartNeed[];
  location?: GeoPoint | null;
  excluded?: string[];
  department?: string;
}

export interface DispatchPlan {
  decision: DispatchDecision;
  asset: Asset | null;
  requiredSkills: string[];
  /** The winner with what the customer is told; null when nobody is eligible. */
  chosen: { username: string; name: string; firstName: string; distanceKm: number | null; etaMinutes: number | null; summary: string } | null;
  /** Parts held for the visit: from the van, else the nearest warehouse that has them. */
  reservations: StockMoveIntent[];
}

export interface AssetView extends Asset {
  history: AssetTicket[];
}

export class FieldService {
  constructor(
    private readonly store: FieldStore,
    private readonly deps: { users: UserStore; tasks: TaskStore; instances: InstanceStore; audit: AuditStore; clock: Clock; runner: Pick<InstanceRunner, 'amend'> },
  ) {}

  // --- resources -------------------------------------------------------------------------------

  async setProfile(username: string, input: { home?: Place | null; maxJobsPerDay?: number; hourlyRate?: number | null }): Promise<TechnicianProfile> {
    const current = await this.store.getProfile(username);
    const profile: TechnicianProfile = {
      username,
      home: input.home !== undefined ? input.home : (current?.home ?? null),
      maxJobsPerDay: input.maxJobsPerDay ?? current?.maxJobsPerDay ?? DEFAULT_MAX_JOBS_PER_DAY,
      hourlyRate: input.hourlyRate !== undefined ? input.hourlyRate : (current?.hourlyRate ?? null),
      updatedAt: this.deps.clock.now().toISOString(),
    };
    await this.store.putProfile(profile);
    return profile;
  }

  profile(username: string): Promise<TechnicianProfile | null> {
    return this.store.getProfile(username);
  }

  async putPart(input: { sku: string; name: string; price: number }): Promise<{ part: Part; created: boolean }> {
    const existing = await this.store.getPart(input.sku);
    const part: Part = { ...input, createdAt: existing?.createdAt ?? this.deps.clock.now().toISOString() };
    await this.store.putPart(part);
    return { part, created: !existing };
  }

  parts(): Promise<Part[]> {
    return this.store.parts();
  }

  async putWarehouse(warehouse: Warehouse): Promise<Warehouse> {
    if (warehouse.id.startsWith('van:')) throw new InvalidInputError("A warehouse id cannot start with 'van:' (that names a technician's van)");
    await this.store.putWarehouse(warehouse);
    return warehouse;
  }

  warehouses(): Promise<Warehouse[]> {
    return this.store.warehouses();
  }

  /** Counted stock of one part at a warehouse or `van:<username>`. */
  async setStock(location: string, sku: string, quantity: number): Promise<StockLevel> {
    if (!(await this.store.getPart(sku))) throw new NotFoundError(`No part with sku ${sku}: add it with POST /api/parts first`);
    if (location.startsWith('van:')) {
      if (!(await this.deps.users.getByUsername(location.slice(4)))) throw new NotFoundError(`No user ${location.slice(4)} for the van ${location}`);
    } else if (!(await this.store.warehouses()).some((warehouse) => warehouse.id === location)) {
      throw new NotFoundError(`No warehouse ${location}: add it with POST /api/warehouses, or name a van as van:<username>`);
    }
    return this.store.setStock(location, sku, quantity, this.deps.clock.now().toISOString());
  }

  stock(filter: { location?: string; skus?: string[] }): Promise<StockLevel[]> {
    return this.store.stock(filter);
  }

  async putAsset(input: Omit<Asset, 'createdAt' | 'updatedAt'>): Promise<{ asset: Asset; created: boolean }> {
    const existing = await this.store.getAsset(input.id);
    const at = this.deps.clock.now().toISOString();
    const asset: Asset = { ...input, createdAt: existing?.createdAt ?? at, updatedAt: at };
    await this.store.putAsset(asset);
    return { asset, created: !existing };
  }

  async asset(id: string): Promise<AssetView> {
    const asset = await this.store.getAsset(id);
    if (!asset) throw new NotFoundError(`No asset ${id}`);
    return { ...asset, history: await this.store.ticketsOf(id) };
  }

  assets(filter: { limit?: number; offset?: number }): Promise<Asset[]> {
    return this.store.assets(filter);
  }

  // --- dispatch --------------------------------------------------------------------------------

  /** Scores every member of the technicians' department for a visit and picks one. Reads only. */
  async plan(input: DispatchInput): Promise<DispatchPlan> {
    const asset = input.assetId ? await this.store.getAsset(input.assetId) : null;
    const requiredSkills = input.requiredSkills?.length ? input.requiredSkills : asset ? (asset.requiredSkills.length ? asset.requiredSkills : [asset.type]) : [];
    const location = input.location ?? (asset ? { lat: asset.lat, lon: asset.lon } : null);
    const parts = (input.parts ?? []).filter((part) => part.quantity > 0);
    const people = await this.deps.users.inDepartment(input.department ?? TECHNICIANS);
    const usernames = people.map((user) => user.username);
    const [profiles, load, stock, warehouses] = await Promise.all([
      this.store.profiles(usernames),
      this.deps.tasks.assignmentStats(usernames),
      parts.length ? this.store.stock({ skus: parts.map((part) => part.sku) }) : Promise.resolve([]),
      parts.length ? this.store.warehouses() : Promise.resolve([]),
    ]);
    const profileOf = new Map(profiles.map((profile) => [profile.username, profile]));
    const openOf = new Map(load.map((row) => [row.username, row.open]));
    const free = (row: StockLevel) => Math.max(0, row.quantity - row.reserved);
    const candidates: DispatchCandidate[] = people.map((user) => {
      const profile = profileOf.get(user.username);
      const van: Record<string, number> = {};
      for (const row of stock) if (row.location === vanLocation(user.username)) van[row.sku] = free(row);
      return {
        username: user.username,
        name: user.displayName,
        disabled: user.disabled,
        skills: user.skills,
        location: profile?.home ? { lat: profile.home.lat, lon: profile.home.lon } : null,
        jobsToday: openOf.get(user.username) ?? 0,
        maxJobsPerDay: profile?.maxJobsPerDay ?? DEFAULT_MAX_JOBS_PER_DAY,
        van,
      };
    });
    const warehouseIds = new Set(warehouses.map((warehouse) => warehouse.id));
    const inWarehouses: Record<string, number> = {};
    for (const row of stock) if (warehouseIds.has(row.location)) inWarehouses[row.sku] = (inWarehouses[row.sku] ?? 0) + free(row);

    const decision = scoreCandidates({ requiredSkills, location, parts, warehouses: inWarehouses, excluded: input.excluded ?? [] }, candidates);
    const winner = decision.candidates.find((candidate) => candidate.username === decision.chosen);
    if (!winner) return { decision, asset, requiredSkills, chosen: null, reservations: [] };
    return {
      decision,
      asset,
      requiredSkills,
      chosen: {
        username: winner.username,
        name: winner.name,
        firstName: winner.name.split(/\s+/)[0] ?? winner.name,
        distanceKm: winner.distanceKm,
        etaMinutes: winner.distanceKm === null ? null : etaMinutes(winner.distanceKm),
        summary: `${winner.name}: ${winner.reasons.join(', ')}`,
      },
      reservations: reservationsFor(winner.username, parts, stock, warehouses, location),
    };
  }

  /**
   * A dispatcher gives the open visit to another technician, with a reason. Only real, eligible
   * technicians: an unknown name or one who cannot take it is refused, naming why.
   */
  async override(principal: Principal, instanceId: string, technician: string, reason: string): Promise<{ taskId: string; technician: string; plan: DispatchPlan }> {
    if (!['admin', 'process-owner'].includes(principal.role) && !principal.departments.includes(DISPATCH_QUEUE)) {
      throw new ForbiddenError('Only dispatchers (the dispatch department), process owners and admins reassign a visit');
    }
    const visit = await this.openVisit(instanceId);
    if (!(await this.deps.users.getByUsername(technician))) throw new NotEligibleError(`No user named ${technician}`);
    const plan = await this.plan({ ...(await this.requestOf(instanceId)), excluded: [] });
    const scored = plan.decision.candidates.find((candidate) => candidate.username === technician);
    if (!scored) throw new NotEligibleError(`${technician} is not a technician (not a member of ${TECHNICIANS})`);
    if (!scored.eligible) throw new NotEligibleError(`${technician} cannot take this visit: ${scored.reasons.join(', ')}`);
    await this.reassign(visit, technician, principal.username, 'dispatch.overridden', { from: visit.assignee, to: technician, reason, candidates: plan.decision.candidates }, reason, plan);
    return { taskId: visit.id, technician, plan };
  }

  /** The technician a visit went to declines it; the next best is proposed, else the dispatch queue. */
  async decline(principal: Principal, taskId: string, reason: string): Promise<{ taskId: string; technician: string | null; plan: DispatchPlan }> {
    const task = await this.deps.tasks.get(taskId);
    if (!task) throw new NotFoundError(`Task ${taskId} does not exist`);
    if (task.status !== 'open') throw new ConflictError(`The task is ${task.status}`);
    if (task.assignee !== principal.username && principal.role !== 'admin') throw new ForbiddenError('Only the technician the visit went to may decline it');
    const declined = (await this.deps.audit.forInstance(task.instanceId)).filter((event) => event.type === 'dispatch.declined').map((event) => String(event.data['by'] ?? ''));
    const excluded = [...new Set([...declined, task.assignee ?? principal.username])];
    const plan = await this.plan({ ...(await this.requestOf(task.instanceId)), excluded });
    const next = plan.chosen?.username ?? null;
    await this.reassign(task, next, principal.username, 'dispatch.declined', { by: task.assignee, reason, chosen: next, candidates: plan.decision.candidates }, reason, plan);
    return { taskId, technician: next, plan };
  }

  /**
   * The stock moves when a visit used parts: whatever the ticket held is released, then each used
   * part is written off where it was held, else the technician's van, else the nearest warehouse.
   */
  async usePartsMoves(instanceId: string, technician: string | null, used: PartNeed[]): Promise<StockMoveIntent[]> {
    const held = await this.store.movesOf(instanceId);
    const moves = releaseAll(held);
    const reservedAt = [...new Set(held.filter((move) => move.reason === 'reserve').map((move) => move.location))];
    const order = [...reservedAt, ...(technician ? [vanLocation(technician)] : []), ...(await this.store.warehouses()).map((warehouse) => warehouse.id)];
    const stock = used.length ? await this.store.stock({ skus: used.map((part) => part.sku) }) : [];
    const released = new Map(moves.map((move) => [`${move.location}\u0000${move.sku}`, -move.reservedDelta]));
    for (const part of used) {
      let wanted = part.quantity;
      for (const location of [...new Set(order)]) {
        const row = stock.find((level) => level.location === location && level.sku === part.sku);
        // What the ticket itself held there is free again once released above.
        const free = row ? Math.max(0, row.quantity - row.reserved + (released.get(`${location}\u0000${part.sku}`) ?? 0)) : 0;
        const take = Math.min(wanted, free);
        if (take > 0) {
          moves.push({ location, sku: part.sku, delta: -take, reservedDelta: 0, reason: 'use' });
          wanted -= take;
        }
        if (wanted === 0) break;
      }
      // Used but in no stock we know (bought on the way): written off the van so the books show it.
      if (wanted > 0) moves.push({ location: technician ? vanLocation(technician) : (order[0] ?? 'unknown'), sku: part.sku, delta: -wanted, reservedDelta: 0, reason: 'use' });
    }
    return moves;
  }

  /**
   * Who did the ticket's latest visit: its visit task's owner (declines and overrides change the
   * task, not the variables), with their display name; null when no technician had it.
   */
  async visitTechnician(instanceId: string): Promise<{ username: string; name: string } | null> {
    const visits = (await this.deps.tasks.list({ instanceId, department: TECHNICIANS })).filter((task) => task.assignee);
    const latest = visits.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
    if (!latest?.assignee) return null;
    const user = await this.deps.users.getByUsername(latest.assignee);
    return { username: latest.assignee, name: user?.displayName ?? latest.assignee };
  }

  /** When the technician arrived at the ticket's visit (the last `visit.arrived`), or null. */
  async arrivedAt(instanceId: string): Promise<Date | null> {
    const arrived = (await this.deps.audit.forInstance(instanceId)).filter((event) => event.type === 'visit.arrived').at(-1);
    return arrived ? new Date(arrived.at) : null;
  }

  /**
   * A dispatcher's form naming a `technician` (dispatch, reschedule): only a real technician who
   * can take the visit is accepted, so the customer is never told someone is on the way who is not.
   */
  readonly checkTechnicianChoice = async (task: TaskRecord, output: Record<string, unknown>): Promise<void> => {
    if (task.department !== DISPATCH_QUEUE || output['technician'] === undefined) return;
    const technician = typeof output['technician'] === 'string' ? output['technician'].trim() : '';
    if (!(await this.deps.users.getByUsername(technician)))
      throw new NotEligibleError(`technician: no user named ${technician || '(empty)'}`, [{ elementId: null, message: `technician: no user named ${technician}` }]);
    const plan = await this.plan(await this.requestOf(task.instanceId));
    const scored = plan.decision.candidates.find((candidate) => candidate.username === technician);
    const why = !scored ? `${technician} is not a technician (not a member of ${TECHNICIANS})` : !scored.eligible ? `${technician} cannot take this visit: ${scored.reasons.join(', ')}` : null;
    if (why) throw new NotEligibleError(`technician: ${why}`, [{ elementId: null, message: `technician: ${why}` }]);
  };

  private async openVisit(instanceId: string): Promise<TaskRecord> {
    const instance = await this.deps.instances.get(instanceId);
    if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`);
    if (instance.status !== 'running') throw new ConflictError(`The ticket is ${instance.status}`);
    const open = await this.deps.tasks.list({ instanceId, status: 'open' });
    const visit = open.find((task) => task.department === TECHNICIANS) ?? open.find((task) => task.department === DISPATCH_QUEUE);
    if (!visit) throw new ConflictError('No visit of this ticket is waiting for a technician');
    return visit;
  }

  /** What the instance's variables say about the visit (the same inputs the dispatch handler reads). */
  private async requestOf(instanceId: string): Promise<DispatchInput> {
    const instance = await this.deps.instances.get(instanceId);
    const variables = instance?.variables ?? {};
    const assetId = typeof variables['equipmentId'] === 'string' ? variables['equipmentId'] : typeof variables['assetId'] === 'string' ? variables['assetId'] : null;
    return { assetId, parts: partNeeds(variables['partsNeeded']) };
  }

  /**
   * One step: the task goes to `technician` (or back to the dispatch queue), the audit says why,
   * and the parts held for the visit move with it.
   */
  private async reassign(task: TaskRecord, technician: string | null, actor: string, type: string, data: Record<string, unknown>, reason: string, plan: DispatchPlan): Promise<void> {
    const held = await this.store.movesOf(task.instanceId);
    await this.deps.runner.amend(task.instanceId, async (_instance, at) => {
      const fresh = await this.deps.tasks.get(task.id);
      if (!fresh || fresh.status !== 'open') throw new ConflictError('The visit is no longer open');
      const department = technician ? (fresh.department ?? TECHNICIANS) : DISPATCH_QUEUE;
      const routingReason = technician ? (plan.chosen?.username === technician ? plan.chosen.summary : `${technician}: chosen by ${actor} (${reason})`) : `Nobody can take it: ${plan.decision.reason}`;
      const updated: TaskRecord = {
        ...fresh,
        department,
        assignee: technician,
        version: fresh.version + 1,
        routingReason,
        history: [...fresh.history, { action: 'handed-over', at, by: actor, department, assignee: technician, reason }],
      };
      const moves: StockMove[] = [...releaseAll(held), ...(technician && plan.chosen?.username === technician ? plan.reservations : [])].map((move) => ({ ...move, instanceId: task.instanceId, at }));
      return {
        tasks: [updated],
        audit: [{ type, actor, elementId: fresh.elementId, data: { taskId: fresh.id, ...data } }],
        stockMoves: moves,
      };
    });
  }
}

/** `[{ sku, quantity }]`, `"P-17:2, F-3"` or `["P-17"]` → part needs; anything else is none. */
export function partNeeds(value: unknown): PartNeed[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  const needs: PartNeed[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const [sku = '', count] = item.split(':').map((part) => part.trim());
      const quantity = count === undefined ? 1 : Number(count);
      if (sku && Number.isInteger(quantity) && quantity > 0) needs.push({ sku, quantity });
    } else if (item && typeof item === 'object') {
      const { sku, quantity } = item as { sku?: unknown; quantity?: unknown };
      const amount = quantity === undefined ? 1 : Number(quantity);
      if (typeof sku === 'string' && sku && Number.isInteger(amount) && amount > 0) needs.push({ sku, quantity: amount });
    }
  }
  return needs;
}

/** Parts for the chosen technician: their van first, then the warehouse nearest the visit. */
function reservationsFor(username: string, parts: PartNeed[], stock: StockLevel[], warehouses: Warehouse[], at: GeoPoint | null): StockMoveIntent[] {
  const free = (location: string, sku: string) => {
    const row = stock.find((level) => level.location === location && level.sku === sku);
    return row ? Math.max(0, row.quantity - row.reserved) : 0;
  };
  const byDistance = [...warehouses].sort((a, b) => (at ? distanceKm(a, at) - distanceKm(b, at) : a.id.localeCompare(b.id)));
  const moves: StockMoveIntent[] = [];
  for (const part of parts) {
    let wanted = part.quantity;
    for (const location of [vanLocation(username), ...byDistance.map((warehouse) => warehouse.id)]) {
      const take = Math.min(wanted, free(location, part.sku));
      if (take > 0) {
        moves.push({ location, sku: part.sku, delta: 0, reservedDelta: take, reason: 'reserve' });
        wanted -= take;
      }
      if (wanted === 0) break;
    }
  }
  return moves;
}

/** Undoes what a ticket still holds (reserved minus released or used), per location and sku. */
export function releaseAll(moves: StockMove[]): StockMoveIntent[] {
  const held = new Map<string, { location: string; sku: string; reserved: number }>();
  for (const move of moves) {
    const key = `${move.location}\u0000${move.sku}`;
    const entry = held.get(key) ?? { location: move.location, sku: move.sku, reserved: 0 };
    entry.reserved += move.reservedDelta;
    held.set(key, entry);
  }
  return [...held.values()].filter((entry) => entry.reserved > 0).map((entry) => ({ location: entry.location, sku: entry.sku, delta: 0, reservedDelta: -entry.reserved, reason: 'release' }));
}
