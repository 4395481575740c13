import type { ExternalWait, QueuedEmail, StepEvent, StepRun, TimerInfo } from '../engine/step-run.js';
import type { StockMove } from '../field/field.js';

/**
 * What one engine run produced besides its snapshot, read off the StepRun once so the projection
 * works on plain data (and the engine can be released, or kept, independently of it).
 */
export interface StepFacts {
  /** Who the step's own events are attributed to. */
  actor: string;
  audit: StepEvent[];
  /** Timers that fired during the step. */
  fired: TimerInfo[];
  serviceFailures: ReadonlyMap<string, { elementId: string; message: string }>;
  servicesCompleted: ReadonlySet<string>;
  externalWaits: ExternalWait[];
  emails: QueuedEmail[];
  stockMoves: StockMove[];
}

export function factsOf(run: StepRun): StepFacts {
  return {
    actor: run.actor,
    audit: run.audit,
    fired: run.firedTimers(),
    serviceFailures: run.serviceFailures,
    servicesCompleted: run.servicesCompleted,
    externalWaits: [...run.externalWaits.values()],
    emails: run.emails,
    stockMoves: run.stockMoves,
  };
}
