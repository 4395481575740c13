import { randomUUID } from 'node:crypto';

import type { SerializableContext } from 'moddle-context-serializer';

import { NO_CALENDARS, type CalendarDirectory, type CalendarSnapshot } from '../calendars/calendar-directory.js';
import type { Clock } from '../clock.js';
import type { SourceCache } from '../engine/bpmn-source.js';
import type { StepRun, StepSnapshot } from '../engine/step-run.js';
import type { TaskRouting } from '../routing/task-router.js';
import type { Store } from '../stores/store.js';
import { commitWrite, type CommitDeps } from './commit-write.js';
import type { InstanceRecord } from './instance.js';
import { projectIncident, type FailedStep } from './project-incident.js';
import { projectStep, type ProjectionContext } from './project-step.js';
import { resolveOpenedTasks } from './route-opened-tasks.js';
import type { StepResult } from './step-action.js';
import type { StepEngine, StepOutcome } from './step-engine.js';
import { factsOf } from './step-facts.js';

/** The projection context minus what is resolved right before projecting. */
export type StepContext = Omit<ProjectionContext, 'now' | 'routed' | 'pause' | 'newId'>;

/** What every kind of step (start, action, intervention) shares: the engine, and the way from a snapshot to a commit. */
export interface StepPathDeps {
  store: Store;
  sources: SourceCache;
  clock: Clock;
  engine: StepEngine;
  router: TaskRouting;
  commits: CommitDeps;
  calendars?: CalendarDirectory | undefined;
}

export class StepPath {
  constructor(readonly deps: StepPathDeps) {}

  async calendars(): Promise<CalendarSnapshot> {
    return (await this.deps.calendars?.snapshot()) ?? NO_CALENDARS;
  }

  /** snapshot → resolve (routing, SLA pause state) → project → commit → events. */
  async commitRun(instance: InstanceRecord, run: StepRun, snapshot: StepSnapshot, source: SerializableContext, context: StepContext): Promise<StepResult> {
    const now = this.deps.clock.now();
    const facts = factsOf(run);
    const { routed, pause } = await resolveOpenedTasks({
      router: this.deps.router,
      audit: this.deps.store.audit,
      instance,
      snapshot,
      source,
      openTasks: context.openTasks,
      at: now.toISOString(),
    });
    const projection = projectStep(instance, snapshot, facts, { ...context, now, routed, pause, newId: randomUUID });
    const write = await commitWrite(this.deps.commits, projection.draft);
    return { instance: write.instance, opened: projection.opened, tasks: write.tasks, incident: projection.incident, noop: false };
  }

  /** The step failed inside the engine: nothing of it is kept but an incident that can replay it (project-incident.ts). */
  async commitIncident(input: FailedStep): Promise<StepResult> {
    const { draft, incident } = projectIncident({ ...input, now: this.deps.clock.now(), newId: randomUUID });
    const write = await commitWrite(this.deps.commits, draft);
    return { instance: write.instance, opened: [], tasks: [], incident, noop: false };
  }

  /** Hands the engine back: `result` is the committed step, if it committed. */
  release(run: StepRun, result: StepResult | null): Promise<void> {
    const outcome: StepOutcome = result && !result.noop ? { kind: 'committed', version: result.instance.version } : { kind: 'discarded' };
    return this.deps.engine.release(run, outcome);
  }
}

export function stepFailure(run: StepRun): { elementId: string | null; message: string } | null {
  const expression = run.expressionFailures[0];
  if (expression) return expression;
  if (run.error) return { elementId: null, message: run.error.message };
  return null;
}
