import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import type { CrashPoint } from '../../server/crash-points.js';
import { adminHeaders, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { violations } from './invariants.js';
import { LoadDriver } from './load-driver.js';

const PROCESS_KEY = 'crash-points';
const USER_TASKS = ['triage', 'resolve'];

const PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_points" targetNamespace="http://baton.test/crash">
  <bpmn:process id="${PROCESS_KEY}" name="Crash points" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:userTask id="triage" name="Triage" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="resolve" />
    <bpmn:userTask id="resolve" name="Resolve" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f3" sourceRef="resolve" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

/** start → L1, whose 1.5 s timer escalates to L2. */
const TIMER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://baton.test">
  <bpmn:process id="escalating" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="l1" />
    <bpmn:userTask id="l1" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1.5S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="e" /><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" /><bpmn:userTask id="l2" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * SIGKILL at each step boundary (BATON_CRASH_AT, server/crash-points.ts), under load: the server
 * kills itself exactly there, a new one starts on the same data directory, the workers finish.
 * Then nothing is lost or duplicated, ticket numbers have no gap, and every audit chain, the
 * checkpoint chain and the state-vs-log check verify.
 */
const HEARTBEAT_XML = PROCESS_XML.replaceAll(PROCESS_KEY, 'heartbeat').replace('Definitions_points', 'Definitions_heartbeat').replace('Crash points', 'Heartbeat');

/** Starts a ticket of another process every 100 ms (answers ignored: the server may be dying) until stopped. */
function keepAppending(baseUrl: string, headers: Record<string, string>): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    const deployed = await fetch(`${baseUrl}/api/definitions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/xml' }, body: HEARTBEAT_XML }).catch(() => null);
    if (deployed?.status !== 201) return;
    while (running) {
      await fetch(`${baseUrl}/api/instances`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ processKey: 'heartbeat', variables: {} }) }).catch(
        () => null,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

const POINTS: [CrashPoint, number][] = [
  ['before-commit', 25],
  ['after-commit', 25],
  ['checkpoint', 2],
];

describe('crash points: SIGKILL at each step boundary of the real server', function () {
  this.timeout(180_000);
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  for (const [point, n] of POINTS) {
    it(`${point} (reached ${n} times): nothing lost or duplicated, tickets without gaps, every check verifies`, async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'baton-points-'));
      dirs.push(root);
      const dataDir = path.join(root, 'data');
      const processesDir = path.join(root, 'processes');
      mkdirSync(processesDir);
      // Checkpoints every second, so the checkpoint point is reached under load.
      const env = { BATON_AUDIT_CHECKPOINT_MS: '1000', BATON_AUDIT_ANCHOR_FILE: path.join(root, 'keys', 'audit-anchor.json') };
      const first = await startServerProcess({ dataDir, processesDir, env: { ...env, BATON_CRASH_AT: `${point}:${n}` } });
      servers.push(first);
      const headers = await adminHeaders(first.baseUrl);
      const deployed = await fetch(`${first.baseUrl}/api/definitions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/xml' }, body: PROCESS_XML });
      expect(deployed.status).to.equal(201);

      const items = 40;
      const driver = new LoadDriver({ baseUrl: first.baseUrl, headers, processKey: PROCESS_KEY, keyPrefix: point, items, workers: 8, loseAnswerEvery: 0 });
      const run = driver.run();
      // A checkpoint seals only new events: the driver's 40 tickets can finish before the second
      // one, so tickets of another process keep appending until the server dies.
      const heartbeat = point === 'checkpoint' ? keepAppending(first.baseUrl, headers) : null;
      // the server kills itself at the point; a new one takes over the same directory
      const exit = await first.waitForExit(120_000);
      await heartbeat?.stop();
      expect(exit).to.deep.equal({ code: null, signal: 'SIGKILL' });
      const second = await startServerProcess({ dataDir, processesDir, env });
      servers.push(second);
      driver.retarget(second.baseUrl);
      const results = await run;

      const businessKeys = Array.from({ length: items }, (_, i) => `${point}-${i}`);
      expect(results.map((result) => result.businessKey)).to.deep.equal(businessKeys);
      expect(await violations({ baseUrl: second.baseUrl, headers, processKey: PROCESS_KEY, businessKeys, userTasks: USER_TASKS })).to.deep.equal([]);
      // ticket numbers: exactly 1..items, whatever the kill interrupted
      const list = (await (await fetch(`${second.baseUrl}/api/instances?processKey=${PROCESS_KEY}&limit=500`, { headers })).json()) as { ticketNumber: string }[];
      const numbers = list.map((instance) => Number(instance.ticketNumber.split('-').at(-1))).sort((a, b) => a - b);
      expect(numbers).to.deep.equal(Array.from({ length: items }, (_, i) => i + 1));
      // and the restarted server raised no audit alarm (the checkpoint chain and the anchor agree)
      const health = (await (await fetch(`${second.baseUrl}/health`)).json()) as { status: string; problems?: string[] };
      expect(health, JSON.stringify(health)).to.deep.include({ status: 'ok' });
      second.kill('SIGTERM');
      await second.waitForExit();
    });
  }

  // The first due timer, and the third: a node killed mid-batch (two of the batch fired, the rest locked).
  for (const [n, what] of [
    [1, 'the first due timer'],
    [3, 'mid-batch'],
  ] as const)
    it(`timer-fire (${what}): after the restart every timer fires exactly once, every check verifies`, async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'baton-points-timer-'));
      dirs.push(root);
      const dataDir = path.join(root, 'data');
      const processesDir = path.join(root, 'processes');
      mkdirSync(processesDir);
      writeFileSync(path.join(processesDir, 'escalating.bpmn'), TIMER_XML);
      const env = { BATON_AGENDA_PROCESS_EVERY_MS: '200', BATON_AUDIT_ANCHOR_FILE: path.join(root, 'keys', 'audit-anchor.json') };
      // given five tickets whose escalation is due in 1.5 s, on a server that dies as the n-th fires
      const first = await startServerProcess({ dataDir, processesDir, env: { ...env, BATON_CRASH_AT: `timer-fire:${n}` } });
      servers.push(first);
      const headers = { ...(await adminHeaders(first.baseUrl)), 'content-type': 'application/json' };
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${first.baseUrl}/api/instances`, { method: 'POST', headers, body: JSON.stringify({ processKey: 'escalating', variables: { i } }) });
        ids.push(((await res.json()) as { id: string }).id);
      }
      expect(await first.waitForExit(30_000)).to.deep.equal({ code: null, signal: 'SIGKILL' });
      // when a new server starts on the same directory
      const second = await startServerProcess({ dataDir, processesDir, env });
      servers.push(second);
      // then every ticket escalates, once
      const get = async <T>(route: string): Promise<T> => (await (await fetch(`${second.baseUrl}${route}`, { headers })).json()) as T;
      const deadline = Date.now() + 30_000;
      const escalated = async () =>
        (await Promise.all(ids.map((id) => get<{ elementId: string }[]>(`/api/tasks?instanceId=${id}&status=open`)))).every((open) => open.length === 1 && open[0]!.elementId === 'l2');
      while (!(await escalated()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await escalated()).to.equal(true);
      for (const id of ids) {
        const trail = await get<{ type: string }[]>(`/api/instances/${id}/audit`);
        expect(
          trail.filter((event) => event.type === 'timer.fired'),
          id,
        ).to.have.length(1);
        expect(await get<{ valid: boolean }>(`/api/instances/${id}/audit/verify`), id).to.deep.include({ valid: true });
      }
      second.kill('SIGTERM');
      await second.waitForExit();
    });
});
