import type { DefinitionRecord } from '../definitions/definition.js';
import type { StepRun } from '../engine/step-run.js';
import type { InstanceRecord } from '../instances/instance.js';

interface SavedChild {
  id?: string;
  status?: string | null;
}

interface SavedDefinition {
  execution?: { processes?: { execution?: { children?: SavedChild[] } }[] };
}

/** Elements holding a token in a recovered run. */
export function activeElements(run: StepRun): string[] {
  return run.activeElementIds();
}

/** Elements holding a token in a saved state (its children with a status), read before recovering it elsewhere. */
export function savedActiveElements(state: unknown): string[] {
  const definitions = ((state as { definitions?: SavedDefinition[] } | null)?.definitions ?? []) as SavedDefinition[];
  const ids = new Set<string>();
  for (const definition of definitions) {
    for (const process of definition.execution?.processes ?? []) {
      for (const child of process.execution?.children ?? []) if (child.status && child.id) ids.add(child.id);
    }
  }
  return [...ids];
}

/**
 * Why an instance cannot be migrated (read from its saved state and the target's XML, before any
 * engine recovers it) (null when it can): it runs another version, or one of its
 * tokens sits at an activity the target version does not have and the mapping does not place.
 */
export function migrationRefusal(instance: InstanceRecord | null, from: DefinitionRecord, to: DefinitionRecord, mapping: Record<string, string>): string | null {
  const has = (id: string) => new RegExp(`\\sid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(to.xml);
  if (!instance) return 'the instance does not exist';
  if (instance.definitionId !== from.id) return `it runs version ${instance.definitionVersion} of '${instance.processKey}', not version ${from.version}`;
  for (const [source, target] of Object.entries(mapping)) {
    if (!has(target)) return `the mapping sends '${source}' to '${target}', which version ${to.version} does not have`;
  }
  for (const id of savedActiveElements(instance.state)) {
    const target = mapping[id] ?? id;
    if (!has(target)) {
      return `a token waits at '${id}' and version ${to.version} has no activity '${target}': map it to one of its activities`;
    }
  }
  return null;
}
