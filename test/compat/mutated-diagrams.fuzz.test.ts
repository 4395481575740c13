import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import fc from 'fast-check';

import { useTestServer } from '../support/test-server.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

/** Diagrams the mutations start from: one per dialect. */
const SEEDS = [
  fixture('camunda7/loan-request.bpmn'),
  fixture('camunda7/credit-check.bpmn'),
  fixture('camunda7/call-customer.bpmn'),
  fixture('camunda7/repair-escalation.bpmn'),
  fixture('camunda8/invoice-approval.bpmn'),
];

type Mutation = { kind: 'drop-id' | 'drop-attribute' | 'swap-lines' | 'drop-line'; at: number; other: number };

function pick<T>(items: readonly T[], at: number): T | undefined {
  return items.length === 0 ? undefined : items[at % items.length];
}

/** Lines inside the process: where reordering and removing elements is meaningful. */
function bodyLines(lines: string[]): number[] {
  const start = lines.findIndex((line) => line.includes('<bpmn:process'));
  const end = lines.findIndex((line) => line.includes('</bpmn:process>'));
  return start < 0 || end < 0 ? [] : lines.map((_, index) => index).filter((index) => index > start && index < end);
}

function mutate(xml: string, mutation: Mutation): string {
  switch (mutation.kind) {
    case 'drop-id': {
      const ids = [...xml.matchAll(/ id="[^"]*"/g)];
      const chosen = pick(ids, mutation.at);
      return chosen?.index === undefined ? xml : xml.slice(0, chosen.index) + xml.slice(chosen.index + chosen[0].length);
    }
    case 'drop-attribute': {
      const attributes = [...xml.matchAll(/ [\w:]+="[^"]*"/g)].filter((match) => !match[0].startsWith(' xmlns'));
      const chosen = pick(attributes, mutation.at);
      return chosen?.index === undefined ? xml : xml.slice(0, chosen.index) + xml.slice(chosen.index + chosen[0].length);
    }
    case 'swap-lines': {
      const lines = xml.split('\n');
      const body = bodyLines(lines);
      const a = pick(body, mutation.at);
      const b = pick(body, mutation.other);
      if (a === undefined || b === undefined) return xml;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'drop-line': {
      const lines = xml.split('\n');
      // Only whole elements on one line, so the XML stays well formed most of the time.
      const single = bodyLines(lines).filter((index) => /^\s*<[^/!][^>]*\/>\s*$/.test(lines[index] ?? ''));
      const chosen = pick(single, mutation.at);
      if (chosen === undefined) return xml;
      lines.splice(chosen, 1);
      return lines.join('\n');
    }
  }
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('drop-id', 'drop-attribute', 'swap-lines', 'drop-line'),
  at: fc.nat(10_000),
  other: fc.nat(10_000),
});

/**
 * Randomly broken diagrams (ids removed, attributes dropped, elements reordered or removed) are
 * deployed and started over HTTP: the answer is never a 5xx, and an instance that starts never
 * sits running with nothing that could move it (no task, worker job, timer or incident).
 */
describe('Mutated diagrams (fast-check)', () => {
  const server = useTestServer();

  it('never answer 5xx and never leave an instance stuck', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(SEEDS.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (seed, mutations) => {
        const xml = mutations.reduce(mutate, SEEDS[seed]!);
        const deployed = await server.http.request('POST', '/api/definitions', { xml });
        expect(deployed.status, deployed.text).to.be.below(500);
        if (deployed.status >= 300) {
          expect((deployed.body as { error: { message: string } }).error.message).to.be.a('string');
          return;
        }
        const key = (deployed.body as { key: string }).key;
        const started = await server.http.request('POST', '/api/instances', { processKey: key, variables: { applicant: 'Ada', customerId: 'C-1', invoiceId: 'I-1' } });
        expect(started.status, started.text).to.be.below(500);
        if (started.status >= 300) return;
        const id = (started.body as { id: string }).id;
        for (const task of (started.body as { openTasks: { id: string }[] }).openTasks) {
          const done = await server.http.request('POST', `/api/tasks/${task.id}/complete`, { variables: {} });
          expect(done.status, done.text).to.be.below(500);
        }
        const view = (await server.http.request('GET', `/api/instances/${id}`)).body as {
          status: string;
          openTasks: unknown[];
          timers: unknown[];
          incidents: { status: string }[];
        };
        if (view.status !== 'running') return;
        const jobs = (await server.baton.store.externalTasks.forInstance(id)).filter((job) => job.status === 'open');
        const movable = view.openTasks.length + view.timers.length + jobs.length + view.incidents.filter((incident) => incident.status === 'open').length;
        expect(movable, `instance of mutated diagram is stuck:\n${xml}`).to.be.greaterThan(0);
      }),
      { numRuns: 60, seed: Number(process.env['FUZZ_SEED'] ?? 19), endOnFailure: true },
    );
  });
});
