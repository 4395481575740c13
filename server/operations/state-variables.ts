import type { EngineState } from '../engine/engine-types.js';

interface EnvironmentHolder {
  environment?: { variables?: Record<string, unknown> };
  execution?: { processes?: EnvironmentHolder[] };
}

/**
 * Sets and removes process variables in a saved bpmn-engine state without running the engine (a
 * run would fire due timers and call a failed service again). The variables live in each
 * definition's environment and in each of its processes' environments, where a recovered
 * process and its activities read them. Returns a new state; the given one is not changed.
 */
export function withVariables(state: EngineState, set: Record<string, unknown>, remove: string[]): EngineState {
  const next = structuredClone(state);
  const apply = (holder: EnvironmentHolder) => {
    const variables = holder.environment?.variables;
    if (!variables) return;
    Object.assign(variables, structuredClone(set));
    for (const name of remove) delete variables[name];
  };
  for (const definition of (next.definitions ?? []) as EnvironmentHolder[]) {
    apply(definition);
    for (const process of definition.execution?.processes ?? []) apply(process);
  }
  return next;
}
