import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { adminHeaders, startServerProcess, type ServerProcess } from '../support/server-process.js';

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://baton.test">
  <bpmn:process id="killed-timer" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="l1" />
    <bpmn:userTask id="l1" camunda:candidateGroups="l1" />
    <bpmn:boundaryEvent id="escalate" attachedToRef="l1"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1.5S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="l1" targetRef="e" /><bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f3" sourceRef="escalate" targetRef="l2" /><bpmn:userTask id="l2" camunda:candidateGroups="l2" />
    <bpmn:sequenceFlow id="f4" sourceRef="l2" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

/** A timer armed just before the server was killed fires after the restart, once. */
describe('timers across a SIGKILL of the real server', function () {
  this.timeout(60_000);
  let dir: string;
  let servers: ServerProcess[] = [];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'baton-kill-timer-'));
    mkdirSync(path.join(dir, 'processes'));
    writeFileSync(path.join(dir, 'processes', 'killed-timer.bpmn'), PROCESS);
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  async function json(server: ServerProcess, method: string, route: string, body?: unknown): Promise<unknown> {
    const auth = await adminHeaders(server.baseUrl);
    const response = await fetch(`${server.baseUrl}${route}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  }

  it('fires the timer after the restart, exactly once', async () => {
    // given a server with a ticket whose escalation is due in 1.5 s
    const env = { BATON_AGENDA_PROCESS_EVERY_MS: '200' };
    const first = await startServerProcess({ dataDir: path.join(dir, 'data'), processesDir: path.join(dir, 'processes'), env });
    servers.push(first);
    const started = (await json(first, 'POST', '/api/instances', { processKey: 'killed-timer' })) as { id: string };
    // when the server is killed before the timer is due
    first.kill('SIGKILL');
    await first.waitForExit(10_000);
    // and started again after the due time has passed
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const second = await startServerProcess({ dataDir: path.join(dir, 'data'), processesDir: path.join(dir, 'processes'), env });
    servers.push(second);
    // then the escalation happens, once
    const deadline = Date.now() + 15_000;
    let open: { elementId: string }[] = [];
    while (Date.now() < deadline) {
      open = (await json(second, 'GET', `/api/tasks?instanceId=${started.id}&status=open`)) as { elementId: string }[];
      if (open.some((task) => task.elementId === 'l2')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(open.map((task) => task.elementId)).to.deep.equal(['l2']);
    const trail = (await json(second, 'GET', `/api/instances/${started.id}/audit`)) as { type: string }[];
    expect(trail.filter((event) => event.type === 'timer.fired')).to.have.length(1);
  });
});
