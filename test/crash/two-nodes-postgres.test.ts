import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { bpmn } from '../support/harness.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../support/postgres.js';
import { adminHeaders, startServerProcess, type ServerProcess } from '../support/server-process.js';

const PROCESS_KEY = 'two-nodes';

/** start → Handle (l1) → end, with an SLA that escalates an unhandled ticket to Escalated (l2). */
const PROCESS_XML = bpmn(
  PROCESS_KEY,
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:userTask id="handle" name="Handle" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="sla" attachedToRef="handle"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\${sla}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:sequenceFlow id="f3" sourceRef="sla" targetRef="escalated" />
    <bpmn:userTask id="escalated" name="Escalated" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="escalated" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

interface Task {
  id: string;
  instanceId: string;
  elementId: string;
}

/**
 * Two real server processes (server/main.ts) on one PostgreSQL: tickets started and completed on
 * both, one node killed with SIGKILL mid-stream and restarted. Every instance finishes exactly
 * once, ticket numbers are unique, every audit chain verifies, and the SLA timers that fell due
 * while a node was down fire once.
 */
describe('two server processes on one PostgreSQL, one killed and restarted', function () {
  this.timeout(120_000);
  const servers: ServerProcess[] = [];
  let root = '';
  let schema = '';

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (root) rmSync(root, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  });

  it('finishes every instance once across both nodes and a SIGKILL', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'baton-nodes-'));
    schema = freshSchema('nodes');
    const processesDir = path.join(root, 'processes');
    mkdirSync(processesDir);
    const env = {
      BATON_DATABASE_URL: await testDatabaseUrl(),
      BATON_DATABASE_SCHEMA: schema,
      BATON_DATABASE_POOL: '4',
      BATON_AGENDA_PROCESS_EVERY_MS: '250',
      // A node killed holding timer jobs loses them to the other after this long.
      BATON_AGENDA_LOCK_LIFETIME_MS: '2000',
      BATON_TIMER_SWEEP_MS: '500',
      BATON_BCRYPT_COST: '4',
    };
    const start = async (name: string) => {
      const server = await startServerProcess({ dataDir: path.join(root, name), processesDir, env });
      servers.push(server);
      return server;
    };
    // given two nodes (the first migrates and seeds the demo organisation, the second finds both done)
    const nodes: ServerProcess[] = [await start('a'), await start('b')];
    const headers = await adminHeaders(nodes[0]!.baseUrl);
    const deployed = await fetch(`${nodes[0]!.baseUrl}/api/definitions`, { method: 'POST', headers: { ...headers, 'content-type': 'application/xml' }, body: PROCESS_XML });
    expect(deployed.status).to.equal(201);

    /** Like a load balancer: the request goes to `preferred`, or to the other node when that one is down. */
    const call = async (preferred: number, method: string, route: string, body?: unknown): Promise<Response> => {
      for (const index of [preferred % 2, (preferred + 1) % 2]) {
        try {
          return await fetch(`${nodes[index]!.baseUrl}${route}`, {
            method,
            headers: { ...headers, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
        } catch {
          // connection refused: that node is down, try the other
        }
      }
      throw new Error(`no node answered ${method} ${route}`);
    };

    // when 12 tickets that will be handled and 8 whose SLA (3 s) will run out are started on both nodes
    const started: { id: string; ticketNumber: string; sla: string }[] = [];
    for (let i = 0; i < 20; i += 1) {
      const sla = i % 5 < 3 ? 'PT1H' : 'PT3S';
      const res = await call(i, 'POST', '/api/instances', { processKey: PROCESS_KEY, variables: { sla } });
      expect(res.status, await res.clone().text()).to.equal(201);
      const body = (await res.json()) as { id: string; ticketNumber: string };
      started.push({ ...body, sla });
    }
    const handled = started.filter((item) => item.sla === 'PT1H');
    // and the first half of the handled ones is completed on both nodes while node B is killed mid-stream
    const completions = handled.map(async (item, i) => {
      const tasks = (await (await call(i, 'GET', `/api/tasks?instanceId=${item.id}&status=open`)).json()) as Task[];
      return call(i + 1, 'POST', `/api/tasks/${tasks[0]!.id}/complete`, { variables: {} });
    });
    nodes[1]!.kill('SIGKILL');
    await nodes[1]!.waitForExit();
    const answers = await Promise.all(completions);
    // an answer lost with node B is retried by the client: a second completion of the same task is 409, never a second step
    for (const [i, res] of answers.entries()) {
      if (res.status === 200) continue;
      const tasks = (await (await call(0, 'GET', `/api/tasks?instanceId=${handled[i]!.id}&status=open`)).json()) as Task[];
      if (tasks.length) expect((await call(0, 'POST', `/api/tasks/${tasks[0]!.id}/complete`, { variables: {} })).status).to.equal(200);
    }
    // and node B comes back on the same database while the SLA timers fall due
    nodes[1] = await start('b');
    const escalatedIds = started.filter((item) => item.sla === 'PT3S').map((item) => item.id);
    const deadline = Date.now() + 30_000;
    let escalated: Task[] = [];
    while (Date.now() < deadline) {
      escalated = ((await (await call(1, 'GET', '/api/tasks?status=open')).json()) as Task[]).filter((task) => task.elementId === 'escalated');
      if (escalated.length === escalatedIds.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(escalated.map((task) => task.instanceId).sort()).to.deep.equal([...escalatedIds].sort());
    for (const [i, task] of escalated.entries()) expect((await call(i, 'POST', `/api/tasks/${task.id}/complete`, { variables: {} })).status).to.equal(200);

    // then every instance completed, ticket numbers are unique, every chain verifies, each SLA fired once
    for (const [i, item] of started.entries()) {
      const instance = (await (await call(i, 'GET', `/api/instances/${item.id}`)).json()) as { status: string };
      expect(instance.status, item.id).to.equal('completed');
      const verify = (await (await call(i, 'GET', `/api/instances/${item.id}/audit/verify`)).json()) as { valid: boolean };
      expect(verify.valid, item.id).to.equal(true);
      const events = (await (await call(i, 'GET', `/api/instances/${item.id}/audit`)).json()) as { type: string }[];
      expect(
        events.filter((event) => event.type === 'instance.completed'),
        item.id,
      ).to.have.length(1);
      expect(
        events.filter((event) => event.type === 'timer.fired'),
        item.id,
      ).to.have.length(item.sla === 'PT3S' ? 1 : 0);
    }
    expect(new Set(started.map((item) => item.ticketNumber)).size).to.equal(started.length);
  });
});
