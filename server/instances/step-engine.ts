import type { SerializableContext } from 'moddle-context-serializer';

import type { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import type { EngineState } from '../engine/engine-types.js';
import { ResidentEngines } from '../engine/resident-engines.js';
import { StepRun, type StepRunDeps } from '../engine/step-run.js';
import type { TimerClocks } from '../engine/step-timers.js';

/** Which instance a step runs for, and what its engine is built from. */
export interface EngineSubject {
  instanceId: string;
  ticketNumber: string;
  /** The instance version the saved state belongs to; null for a start (nothing saved yet). */
  version: number | null;
  /** The definition the instance runs (a parked engine of another version is never continued). */
  definitionId: string;
  /**
   * False: recover from the stored state and keep no engine after the step (a retry re-runs a
   * failed service, which only a resume does; an operator's intervention).
   */
  resident?: boolean;
  source: SerializableContext;
  /** Business time for the step's new duration timers (calendars). */
  timerClocks: TimerClocks;
  /** Timers pending before this step (executionId → due): re-armed on resume, not "scheduled" again. */
  savedTimers: ReadonlyMap<string, Date>;
  /** Elements whose timers are due as soon as they are armed (a scheduled start's timer start event). */
  dueNow?: ReadonlySet<string>;
  /** Who the engine's events are attributed to. */
  actor: string;
  /** Connectors for this step instead of the real ones (a dry run calls none). */
  connectors?: ConnectorRegistry;
}

/** How the engine reaches the step's starting point. */
export type EngineEntry =
  | { kind: 'resume'; state: EngineState }
  | { kind: 'start'; variables: Record<string, unknown> }
  /** An operator restarting a finished ticket at one activity. */
  | { kind: 'start-at'; variables: Record<string, unknown>; activityId: string };

/** How a step ended for its engine: saved at `version`, or thrown away (failure, dry run, noop, exception). */
export type StepOutcome = { kind: 'committed'; version: number } | { kind: 'discarded' };

export const DISCARDED: StepOutcome = { kind: 'discarded' };

/**
 * The one place a StepRun lives and dies: every step gets its engine from `open` and hands it
 * back through `release`, whatever happened. `open` continues the instance's engine parked since
 * its last committed step when it is still at that version (resident-engines.ts), else builds a
 * fresh one and recovers the stored state; `release` parks the engine of a step that committed and
 * drops every other.
 */
export class StepEngine {
  /** Which instance (and definition) each open run belongs to, and whether it may be parked. */
  private readonly subjects = new WeakMap<StepRun, { instanceId: string; definitionId: string; park: boolean }>();

  constructor(
    private readonly deps: StepRunDeps,
    readonly resident: ResidentEngines = new ResidentEngines({ maxEngines: 0, maxBytes: 0 }),
  ) {}

  async open(subject: EngineSubject, entry: EngineEntry): Promise<StepRun> {
    const park = subject.resident !== false && !subject.connectors;
    if (!park || entry.kind !== 'resume' || subject.version === null) {
      // This step does not continue a parked engine, and leaves the instance's parked one stale.
      this.resident.drop(subject.instanceId);
    } else {
      const parked = this.resident.take(subject.instanceId, subject.version, subject.definitionId);
      if (parked && (await parked.continueStep(subject.savedTimers, subject.timerClocks, subject.actor))) {
        this.subjects.set(parked, { instanceId: subject.instanceId, definitionId: subject.definitionId, park });
        return parked;
      }
    }
    const deps = subject.connectors ? { ...this.deps, connectors: subject.connectors } : this.deps;
    const run = new StepRun(
      { instanceId: subject.instanceId, ticketNumber: subject.ticketNumber, source: subject.source, timerClocks: subject.timerClocks },
      deps,
      new Map(subject.savedTimers),
      subject.dueNow ?? new Set(),
    );
    this.subjects.set(run, { instanceId: subject.instanceId, definitionId: subject.definitionId, park });
    run.actor = subject.actor;
    try {
      if (entry.kind === 'resume') await run.resume(entry.state);
      else if (entry.kind === 'start') await run.start(entry.variables);
      else await run.startAt(entry.variables, entry.activityId);
    } catch (err) {
      await this.release(run, DISCARDED);
      throw err;
    }
    return run;
  }

  /** Called once after every step that `open` served, committed or not. */
  async release(run: StepRun, outcome: StepOutcome): Promise<void> {
    run.suspend();
    const subject = this.subjects.get(run);
    this.subjects.delete(run);
    if (subject?.park && outcome.kind === 'committed') this.resident.park(subject.instanceId, run, outcome.version, subject.definitionId);
  }

  /** A step that did not run the engine (a claim, a hand-over) committed `to` on top of `from`: a parked engine still matches. */
  retag(instanceId: string, from: number, to: number): void {
    this.resident.retag(instanceId, from, to);
  }

  /** Another change than a step of this node's (a batch amendment): its parked engine is not continued. */
  forget(instanceId: string): void {
    this.resident.drop(instanceId);
  }
}
