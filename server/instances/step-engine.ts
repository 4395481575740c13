import type { SerializableContext } from 'moddle-context-serializer';

import type { ConnectorRegistry } from '../engine/connectors/connector-registry.js';
import type { EngineState } from '../engine/engine-types.js';
import { StepRun, type StepRunDeps } from '../engine/step-run.js';
import type { TimerClocks } from '../engine/step-timers.js';

/** Which instance a step runs for, and what its engine is built from. */
export interface EngineSubject {
  instanceId: string;
  ticketNumber: string;
  /** The instance version the saved state belongs to; null for a start (nothing saved yet). */
  version: number | null;
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
 * back through `release`, whatever happened. Today `open` builds a fresh engine (recover + resume)
 * and `release` stops it; a cache of resident engines can go behind these two calls (it needs
 * the outcome: only an engine whose step committed, at that version, matches the saved state).
 */
export class StepEngine {
  constructor(private readonly deps: StepRunDeps) {}

  async open(subject: EngineSubject, entry: EngineEntry): Promise<StepRun> {
    const deps = subject.connectors ? { ...this.deps, connectors: subject.connectors } : this.deps;
    const run = new StepRun(
      { instanceId: subject.instanceId, ticketNumber: subject.ticketNumber, source: subject.source, timerClocks: subject.timerClocks },
      deps,
      new Map(subject.savedTimers),
      subject.dueNow ?? new Set(),
    );
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
  async release(run: StepRun, _outcome: StepOutcome): Promise<void> {
    await run.suspend();
  }
}
