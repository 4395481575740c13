import type { StepWrite } from './store.js';

/**
 * A malformed step is a bug in the caller, so a plain Error (not a BatonError); checked before
 * writing because "replace the instance's timers" would otherwise file another instance's rows.
 */
export function assertWellFormed(step: StepWrite): void {
  const { instance, expectedVersion } = step;
  const wanted = (expectedVersion ?? 0) + 1;
  if (instance.version !== wanted) {
    throw new Error(`step for instance ${instance.id}: version must be ${wanted}, got ${instance.version}`);
  }
  const children = [...step.tasks, ...step.audit, ...(step.timers ?? []), ...(step.subscriptions ?? []), ...step.incidents, ...step.outbox, ...(step.externalTasks ?? [])];
  const stray = children.find((child) => child.instanceId !== instance.id);
  if (stray) {
    throw new Error(`step for instance ${instance.id} carries a record of instance ${stray.instanceId}`);
  }
}
