import type { SerializableContext } from 'moddle-context-serializer';

import type { StepRun } from './step-run.js';

export interface ResidentEnginesOptions {
  /** At most this many engines wait in memory (0 turns residency off). */
  maxEngines: number;
  /** …and at most about this many bytes of them (estimated, see `estimateBytes`). */
  maxBytes: number;
}

const MB = 1024 * 1024;

/**
 * Enough for every instance a node works on at once (a person's claim → complete, a burst of
 * starts): 100 engines of a small diagram are ~44 MB; larger diagrams meet the byte bound first.
 */
export const DEFAULT_RESIDENT: ResidentEnginesOptions = { maxEngines: 100, maxBytes: 64 * MB };

interface Parked {
  run: StepRun;
  /** The instance version the engine's state was committed as; any other version means someone else wrote. */
  version: number;
  definitionId: string;
  bytes: number;
}

/**
 * Heap of one waiting engine: bpmn-elements builds every element of the diagram with its own
 * broker and queues, so the size follows the diagram, not the state (measured with
 * bench/memory.ts: 100 parked engines of the 5-element bench diagram took 43.7 MB of heap, ~440 KB
 * each; see docs/benchmarks.md, *Resident engines*).
 */
const ENGINE_BASE_BYTES = 192 * 1024;
const BYTES_PER_ELEMENT = 48 * 1024;

const elementCounts = new WeakMap<object, number>();

export function estimateBytes(source: SerializableContext): number {
  let elements = elementCounts.get(source);
  if (elements === undefined) {
    elements = source.getActivities().length + source.getSequenceFlows().length;
    elementCounts.set(source, elements);
  }
  return ENGINE_BASE_BYTES + elements * BYTES_PER_ELEMENT;
}

/**
 * Engines of recently active instances, kept alive between their steps so that the next step
 * continues the engine instead of recovering the stored state into a new one (getState → stop →
 * recover → resume was ~30 % of a step). A bounded LRU, by count and by estimated bytes.
 *
 * The store stays the truth: an engine is parked only after its step committed, tagged with the
 * committed instance version, and taken out (so no two steps share it) when the next step begins;
 * that step uses it only if the instance it loaded is still at that version of that definition —
 * another node's step, an operator's change or a restart all fall back to recovering the stored
 * state. A step that does not commit never parks its engine, so a resident engine is never ahead
 * of the committed state.
 */
export class ResidentEngines {
  private readonly parked = new Map<string, Parked>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly options: ResidentEnginesOptions) {}

  get size(): number {
    return this.parked.size;
  }

  get estimatedBytes(): number {
    return this.bytes;
  }

  /** The parked engine of the instance if it is still at `version` of `definitionId`; it is no longer parked either way. */
  take(instanceId: string, version: number, definitionId: string): StepRun | null {
    const entry = this.parked.get(instanceId);
    if (!entry) {
      this.misses++;
      return null;
    }
    this.remove(instanceId, entry);
    if (entry.version !== version || entry.definitionId !== definitionId) {
      this.misses++;
      return null;
    }
    this.hits++;
    return entry.run;
  }

  /** Parks the engine of a step that committed `version`; an engine that cannot wait in memory is dropped. */
  park(instanceId: string, run: StepRun, version: number, definitionId: string): void {
    this.drop(instanceId);
    if (this.options.maxEngines <= 0 || !run.parkable) return;
    const bytes = estimateBytes(run.source);
    if (bytes > this.options.maxBytes) return;
    this.parked.set(instanceId, { run, version, definitionId, bytes });
    this.bytes += bytes;
    while (this.parked.size > this.options.maxEngines || this.bytes > this.options.maxBytes) {
      const oldest = this.parked.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  /**
   * A step that changed the instance without the engine (a task claimed, reassigned, commented)
   * committed `to` on top of `from`: the parked engine still matches the stored state.
   */
  retag(instanceId: string, from: number, to: number): void {
    const entry = this.parked.get(instanceId);
    if (entry && entry.version === from) entry.version = to;
  }

  drop(instanceId: string): void {
    const entry = this.parked.get(instanceId);
    if (entry) this.remove(instanceId, entry);
  }

  clear(): void {
    this.parked.clear();
    this.bytes = 0;
  }

  private remove(instanceId: string, entry: Parked): void {
    this.parked.delete(instanceId);
    this.bytes -= entry.bytes;
  }
}
