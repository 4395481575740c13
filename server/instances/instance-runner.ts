import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { CalendarDirectory } from '../calendars/calendar-directory.js';
import type { Clock } from '../clock.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import type { SourceCache } from '../engine/bpmn-source.js';
import type { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import { TicketNumberTakenError, UnavailableError, VersionConflictError } from '../errors.js';
import type { TaskRouting } from '../routing/task-router.js';
import type { Store } from '../stores/store.js';
import type { TaskRecord } from '../tasks/task.js';
import { actionStep } from './action-step.js';
import { draftAmendment, type AmendmentBuild } from './actions/amend.js';
import { commitWrite, commitWrites, type CommitDeps } from './commit-write.js';
import type { InstanceRecord } from './instance.js';
import { InstanceEvents } from './instance-events.js';
import { interventionStep } from './intervention-step.js';
import type { Intervention, InterventionPreview } from './intervention.js';
import { KeyedQueue } from './keyed-queue.js';
import { diagramOnlyRouting } from './route-opened-tasks.js';
import { duplicateBusinessKey, startStep } from './start-step.js';
import type { StepAction, StepResult } from './step-action.js';
import { StepEngine } from './step-engine.js';
import type { ResidentEngines } from '../engine/resident-engines.js';
import { StepPath } from './step-path.js';
import { TicketNumbers } from './ticket-numbers.js';

export type { StepAction, StepResult } from './step-action.js';

const MAX_VERSION_RETRIES = 3;
/** A start whose number was taken (another node, a released lower number) runs again this often. */
const MAX_TICKET_RETRIES = 20;

export interface StartRequest {
  variables: Record<string, unknown>;
  businessKey: string | null;
  actor: string;
  /** Name of the start message when a message started the instance. */
  startMessage?: string;
  /** Timer start event that fired: the instance does not wait at it again. */
  startTimer?: string;
  /** Emails to queue with the start, in its transaction (the customer's ticket confirmation); given the ticket number. */
  emails?: (ticketNumber: string) => { to: string; subject: string; body: string }[];
  /** The customer's private status link (its hash), stored with the start so a mailed link always opens. */
  statusAccess?: { tokenHash: string; expiresAt: string };
}

export interface InstanceRunnerDeps {
  store: Store;
  sources: SourceCache;
  clock: Clock;
  connectors: ConnectorRegistry;
  logger: Logger;
  events?: InstanceEvents;
  /** Where opened tasks go; without one, to the first candidate group or the lane name, unassigned unless the diagram assigns. */
  router?: TaskRouting;
  /** Business calendars for timers and due dates (issue 16); without them everything counts wall time. */
  calendars?: CalendarDirectory;
  /** Where steps get their engines (a fresh one each step without one). */
  engine?: StepEngine;
  /** Engines kept in memory between steps; without it every step recovers the stored state. */
  resident?: ResidentEngines;
}

/**
 * Advances instances one step at a time, always the same way: route (one writer per instance: a
 * queue here, a version check in the store, retried from a fresh load) → action (actions/: check,
 * prepare, drive the engine) → step (StepEngine: recover, run to the next wait, snapshot) → commit
 * (projectStep, then commitWrite) → events.
 */
export class InstanceRunner {
  readonly events: InstanceEvents;
  readonly engine: StepEngine;
  private readonly queue = new KeyedQueue();
  private accepting = true;
  private readonly tickets: TicketNumbers;
  private readonly commits: CommitDeps;
  private readonly path: StepPath;

  constructor(private readonly deps: InstanceRunnerDeps) {
    this.events = deps.events ?? new InstanceEvents();
    this.engine = deps.engine ?? new StepEngine(deps, deps.resident);
    this.tickets = new TicketNumbers(deps.store.instances);
    this.commits = { store: deps.store, events: this.events };
    this.path = new StepPath({ ...deps, engine: this.engine, router: deps.router ?? diagramOnlyRouting, commits: this.commits });
  }

  async start(definition: DefinitionRecord, request: StartRequest): Promise<StepResult> {
    this.assertAccepting();
    if (request.businessKey) {
      const existing = await this.deps.store.instances.findByBusinessKey(definition.key, request.businessKey);
      if (existing) throw duplicateBusinessKey(definition.key, request.businessKey, existing);
    }
    const id = randomUUID();
    return this.queue.run(id, async () => {
      for (let attempt = 1; ; attempt++) {
        // The number is reserved, not taken: the commit takes it (see ticket-numbers.ts).
        const ticket = await this.tickets.reserve(definition.ticketPrefix);
        try {
          return await startStep(this.path, this.tickets, definition, request, id, ticket);
        } catch (err) {
          if (!(err instanceof TicketNumberTakenError) || attempt >= MAX_TICKET_RETRIES) throw err;
          this.deps.logger.debug({ instanceId: id, ticketNumber: ticket.ticketNumber, attempt }, 'ticket number taken meanwhile, starting again with the next');
        } finally {
          this.tickets.release(ticket);
        }
      }
    });
  }

  /** Applies one action to an instance; retried from a fresh load when another node won the version race. */
  apply(instanceId: string, action: StepAction): Promise<StepResult> {
    this.assertAccepting();
    return this.queue.run(instanceId, () => this.retryingVersions(instanceId, () => actionStep(this.path, instanceId, action)));
  }

  /** Changes an instance's tasks without the engine (actions/amend.ts), one writer at a time and retried like any step. */
  amend(instanceId: string, build: AmendmentBuild): Promise<{ instance: InstanceRecord; tasks: TaskRecord[] }> {
    this.assertAccepting();
    return this.queue.run(instanceId, () =>
      this.retryingVersions(instanceId, async () => {
        const { instance, tasks, draft } = await draftAmendment(this.deps, instanceId, build);
        if (!draft) return { instance, tasks };
        const committed = (await commitWrite(this.commits, draft)).instance;
        // The engine did not move: a parked one still matches the stored state.
        this.engine.retag(instanceId, instance.version, committed.version);
        return { instance: committed, tasks };
      }),
    );
  }

  /**
   * The same change to several instances without the engine, written together (commitWrites);
   * every instance's queue is held until the batch has saved. Answers how many instances changed.
   */
  amendMany(instanceIds: readonly string[], build: AmendmentBuild): Promise<number> {
    this.assertAccepting();
    for (const instanceId of instanceIds) this.engine.forget(instanceId);
    const commit = async (): Promise<number> => {
      const drafts = [];
      for (const instanceId of instanceIds) {
        const { draft } = await draftAmendment(this.deps, instanceId, build);
        if (draft) drafts.push(draft);
      }
      return (await commitWrites(this.commits, drafts)).length;
    };
    const hold = (index: number): Promise<number> => {
      const id = instanceIds[index];
      return id === undefined ? commit() : this.queue.run(id, () => hold(index + 1));
    };
    return hold(0);
  }

  /** Runs `work` as the instance's one writer (operator changes that write the saved state themselves, server/operations/). */
  exclusive<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    this.assertAccepting();
    return this.queue.run(instanceId, work);
  }

  /**
   * An operator's intervention (move, restart, migrate; server/operations/): recovers the
   * instance (or starts its diagram again at `restartAt` for a finished one, or recovers it into
   * another version), lets `drive` change the engine, and saves the step like any other, with
   * the intervention's audit events first. With `dryRun` nothing is saved and no connector is
   * called: the preview says what the step would do.
   */
  intervene(instanceId: string, intervention: Intervention): Promise<{ result: StepResult | null; preview: InterventionPreview }> {
    this.assertAccepting();
    return this.queue.run(instanceId, () => interventionStep(this.path, instanceId, intervention));
  }

  /** The engines parked between steps (hits and misses, for tests and benchmarks). */
  get resident(): ResidentEngines {
    return this.engine.resident;
  }

  /** Stops taking new steps and waits until every step in progress has saved. */
  async drain(): Promise<void> {
    this.accepting = false;
    await this.queue.idle();
  }

  private async retryingVersions<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof VersionConflictError) || attempt >= MAX_VERSION_RETRIES) throw err;
        this.deps.logger.debug({ instanceId, attempt }, 'version conflict, reloading');
      }
    }
  }

  private assertAccepting(): void {
    if (!this.accepting) throw new UnavailableError('Baton is shutting down; try again in a moment');
  }
}
