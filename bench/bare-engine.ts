/**
 * The baseline: bare bpmn-engine in memory, no Baton, no persistence. One Engine per instance:
 * execute, wait for the user task's `wait` event, signal it, wait for `end`.
 *
 *   node --import tsx bench/bare-engine.ts
 *
 * Three flavours:
 * - `sourceContext`: the diagram parsed once and handed to every Engine (what Baton does with its
 *   SourceCache) — the like-for-like baseline every Baton figure is compared with;
 * - `source`: the XML string, parsed by the engine for every instance (the README way);
 * - `round trip`: `sourceContext` plus what a persisted step needs from the engine alone —
 *   getState + JSON.stringify + stop after the task opens, then JSON.parse + recover + resume into
 *   a new Engine to complete it — still in memory, so the gap to Baton is Baton's own work.
 */
import { EventEmitter, once } from 'node:events';

import { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';

import { moddleOptions, parseSource } from '../server/engine/bpmn-source.js';
import { envCount, interleaved, isMain, PROCESSES, printFigures, timeCycles, writeResult, type Cycle, type Figure } from './fixtures.js';

/** The slice of bpmn-elements' element Api the loop uses. */
interface WaitApi {
  signal(message?: Record<string, unknown>): void;
}

interface EngineStateLike {
  definitions?: { source?: unknown }[];
}

const START_VARIABLES = { approved: true };
const OUTPUT = { approved: true };

type EngineInput = { sourceContext: SerializableContext } | { source: string };

function newEngine(name: string, input: EngineInput): Engine {
  return new Engine({ name, ...input, moddleOptions });
}

/** execute → wait → signal → end on one Engine. */
export function bareCycle(input: EngineInput): Cycle {
  return async (index) => {
    const engine = newEngine(`bare-${index}`, input);
    const listener = new EventEmitter();
    const waiting = once(listener, 'wait') as Promise<[WaitApi]>;
    const ended = engine.waitFor('end');
    await engine.execute({ listener, variables: START_VARIABLES });
    const [api] = await waiting;
    api.signal(OUTPUT);
    await ended;
  };
}

/** Like bareCycle, but the instance is saved (getState, stringify, stop) and recovered into a new Engine before it is signalled. */
export function roundTripCycle(sourceContext: SerializableContext): Cycle {
  return async (index) => {
    const name = `bare-${index}`;
    const first = newEngine(name, { sourceContext });
    const listener = new EventEmitter();
    const waiting = once(listener, 'wait');
    await first.execute({ listener, variables: START_VARIABLES });
    await waiting;
    const state = (await first.getState()) as unknown as EngineStateLike;
    for (const definition of state.definitions ?? []) delete definition.source;
    const saved = JSON.stringify(state);
    await first.stop();

    const second = newEngine(name, { sourceContext });
    second.recover(JSON.parse(saved));
    const resumedListener = new EventEmitter();
    const resumedWait = once(resumedListener, 'wait') as Promise<[WaitApi]>;
    const ended = second.waitFor('end');
    await second.resume({ listener: resumedListener });
    const [api] = await resumedWait;
    api.signal(OUTPUT);
    await ended;
  };
}

export interface BareContexts {
  [key: string]: SerializableContext;
}

export async function parseAll(): Promise<BareContexts> {
  const contexts: BareContexts = {};
  for (const definition of PROCESSES) contexts[definition.key] = await parseSource(definition.xml);
  return contexts;
}

export function contextOf(contexts: BareContexts, key: string): SerializableContext {
  const context = contexts[key];
  if (!context) throw new Error(`no parsed source for ${key}`);
  return context;
}

export interface BareResult {
  process: string;
  figures: Figure[];
}

export async function runBare(options: { count?: number; inFlight?: number; rounds?: number } = {}): Promise<BareResult[]> {
  const count = options.count ?? envCount('BARE_COUNT', 1000);
  const inFlight = options.inFlight ?? 50;
  const rounds = options.rounds ?? 3;
  const contexts = await parseAll();
  const results: BareResult[] = [];
  for (const definition of PROCESSES) {
    const sourceContext = contextOf(contexts, definition.key);
    const cached = bareCycle({ sourceContext });
    const plain = bareCycle({ source: definition.xml });
    const roundTrip = roundTripCycle(sourceContext);
    // Warm-up: JIT and the module caches, outside the timings.
    await timeCycles(200, 1, cached);
    await timeCycles(50, 1, plain);
    await timeCycles(100, 1, roundTrip);
    console.log(`bare bpmn-engine, in memory — ${definition.label}`);
    const figures = await interleaved(rounds, [
      { name: 'sourceContext, sequential', run: () => timeCycles(count, 1, cached) },
      { name: `sourceContext, ${inFlight} in flight`, run: () => timeCycles(count, inFlight, cached) },
      { name: 'plain source, sequential', run: () => timeCycles(Math.ceil(count / 2), 1, plain) },
      { name: 'round trip (getState/recover), sequential', run: () => timeCycles(Math.ceil(count / 2), 1, roundTrip) },
    ]);
    printFigures(figures, figures[0]);
    results.push({ process: definition.key, figures });
  }
  return results;
}

if (isMain(import.meta.url)) {
  const results = await runBare();
  writeResult({ bench: 'bare-engine', results });
}
