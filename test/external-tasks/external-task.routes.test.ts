import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { addUser } from '../support/harness.js';
import type { Client } from '../support/http.js';
import { useTestServer } from '../support/test-server.js';

const CREDIT_CHECK = readFileSync(new URL('../fixtures/camunda7/credit-check.bpmn', import.meta.url), 'utf8');

interface Locked {
  id: string;
  topicName: string;
  activityId: string;
  variables: Record<string, unknown>;
  lockExpirationTime: string;
  retries: number | null;
}

/** External task workers over real HTTP: fetch-and-lock, complete, failure, BPMN error, extend-lock. */
describe('External task API', () => {
  const server = useTestServer({ deploy: [CREDIT_CHECK] });
  let worker: Client;

  beforeEach(async () => {
    await addUser(server.baton, 'scorer', 'process-owner');
    worker = await server.http.as('scorer');
  });

  async function start(variables: Record<string, unknown> = { customerId: 'C-42' }): Promise<string> {
    const started = await server.http.request('POST', '/api/instances', { processKey: 'creditCheck', variables });
    expect(started.status, started.text).to.equal(201);
    return (started.body as { id: string }).id;
  }

  async function fetch(workerId = 'w1', extra: Record<string, unknown> = {}): Promise<Locked[]> {
    const response = await worker.request('POST', '/api/external-tasks/fetch-and-lock', {
      workerId,
      maxTasks: 5,
      topics: [{ topicName: 'credit-score', lockDuration: 60_000 }],
      ...extra,
    });
    expect(response.status, response.text).to.equal(200);
    return response.body as Locked[];
  }

  async function instance(id: string) {
    return (await server.http.request('GET', `/api/instances/${id}`)).body as { status: string; variables: Record<string, unknown>; incidents: { id: string; status: string }[] };
  }

  async function endEvent(id: string): Promise<string | undefined> {
    const audit = (await server.http.request('GET', `/api/instances/${id}/audit`)).body as { type: string; elementId: string }[];
    return audit.filter((event) => event.type === 'activity.left' && event.elementId?.startsWith('End_')).at(-1)?.elementId;
  }

  it('deploy warns that the topic has no built-in handler', async () => {
    const versions = (await server.http.request('GET', '/api/definitions/creditCheck/versions')).body as { warnings: { elementId: string; message: string }[] }[];
    expect(versions[0]?.warnings.find((w) => w.elementId === 'Task_Score')?.message).to.contain("topic 'credit-score', which has no built-in handler");
  });

  it('hands the task to one worker with its inputs, and continues the instance with the completed variables', async () => {
    // given a started check
    const id = await start();
    // when a worker fetches and locks
    const [task, ...rest] = await fetch();
    // then it gets the task with the instance variables and the evaluated inputs
    expect(rest).to.deep.equal([]);
    expect(task).to.deep.include({ topicName: 'credit-score', activityId: 'Task_Score' });
    expect(task?.variables).to.include({ customerId: 'C-42', customer: 'C-42', limit: '5000' });
    // and a second worker gets nothing while the lock holds
    expect(await fetch('w2')).to.deep.equal([]);
    // when the worker completes with a score
    const done = await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: { score: 720 } });
    expect(done.status, done.text).to.equal(204);
    // then the instance took the approved end, the score a process variable
    expect(await instance(id)).to.deep.include({ status: 'completed' });
    expect((await instance(id)).variables).to.include({ score: 720 });
    expect(await endEvent(id)).to.equal('End_approved');
    // and a second completion is refused
    const again = await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: {} });
    expect(again.status).to.equal(409);
    // the audit chain verifies
    expect(((await server.http.request('GET', `/api/instances/${id}/audit/verify`)).body as { valid: boolean }).valid).to.equal(true);
  });

  it('tells the worker when its answer fails a condition after the task, keeps nothing, and takes the corrected answer', async () => {
    const id = await start();
    const [task] = await fetch();
    // an answer without the score the gateway condition needs
    const refused = await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: { note: 'no score' } });
    expect(refused.status, refused.text).to.equal(422);
    expect((await instance(id)).variables).to.not.have.property('note');
    expect((await instance(id)).incidents.filter((incident) => incident.status === 'open')).to.have.length(1);
    // the corrected answer continues the instance and resolves the incident
    const done = await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: { score: 700 } });
    expect(done.status, done.text).to.equal(204);
    const after = await instance(id);
    expect(after.status).to.equal('completed');
    expect(after.incidents.every((incident) => incident.status === 'resolved')).to.equal(true);
  });

  it('refuses another worker, staff, and a worker without the lock', async () => {
    await start();
    const [task] = await fetch('w1');
    expect((await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w2', variables: {} })).status).to.equal(409);
    await addUser(server.baton, 'sam', 'staff', ['l1']);
    const staff = await server.http.as('sam');
    expect((await staff.request('POST', '/api/external-tasks/fetch-and-lock', { workerId: 'x', topics: [{ topicName: 'credit-score', lockDuration: 1000 }] })).status).to.equal(403);
    expect((await worker.request('POST', '/api/external-tasks/fetch-and-lock', { workerId: 'x', topics: [] })).status).to.equal(400);
    expect((await worker.request('POST', '/api/external-tasks/nope/complete', { workerId: 'w1' })).status).to.equal(404);
  });

  it('gives a failed task back after its retry timeout, and raises an incident when no retries are left; the retry reopens it', async () => {
    const id = await start();
    const [task] = await fetch();
    // a failure with one retry left and a 30 s timeout
    const failed = await worker.request('POST', `/api/external-tasks/${task!.id}/failure`, { workerId: 'w1', errorMessage: 'scoring service down', retries: 1, retryTimeout: 30_000 });
    expect(failed.status, failed.text).to.equal(204);
    expect(await fetch()).to.deep.equal([]);
    server.baton.clock.advance(30_000);
    const [retried] = await fetch();
    expect(retried).to.deep.include({ id: task!.id, retries: 1 });
    // no retries left: an incident, and the task is out of the workers' reach
    await worker.request('POST', `/api/external-tasks/${task!.id}/failure`, { workerId: 'w1', errorMessage: 'still down', retries: 0 });
    const stuck = await instance(id);
    expect(stuck.incidents.filter((incident) => incident.status === 'open')).to.have.length(1);
    expect(await fetch()).to.deep.equal([]);
    // the admin retries the incident: the workers get it once more, and it completes
    const incidentId = stuck.incidents[0]!.id;
    const retry = await server.http.request('POST', `/api/instances/${id}/incidents/${incidentId}/retry`, { reason: 'service is back' });
    expect(retry.status, retry.text).to.equal(200);
    const [again] = await fetch();
    expect(again?.id).to.equal(task!.id);
    await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: { score: 100 } });
    const done = await instance(id);
    expect(done.status).to.equal('completed');
    expect(done.incidents.every((incident) => incident.status === 'resolved')).to.equal(true);
    expect(await endEvent(id)).to.equal('End_declined');
  });

  it('routes a BPMN error to the boundary event that catches its code', async () => {
    const id = await start();
    const [task] = await fetch();
    const thrown = await worker.request('POST', `/api/external-tasks/${task!.id}/bpmn-error`, { workerId: 'w1', errorCode: 'UNKNOWN_CUSTOMER', errorMessage: 'no such customer' });
    expect(thrown.status, thrown.text).to.equal(204);
    const tasks = (await server.http.request('GET', `/api/tasks?instanceId=${id}&status=open`)).body as { elementId: string }[];
    expect(tasks.map((t) => t.elementId)).to.deep.equal(['Task_Manual']);
  });

  it('extends a lock the worker holds, and not one it does not', async () => {
    await start();
    const [task] = await fetch();
    const extended = await worker.request('POST', `/api/external-tasks/${task!.id}/extend-lock`, { workerId: 'w1', newDuration: 600_000 });
    expect(extended.status, extended.text).to.equal(200);
    expect(Date.parse((extended.body as Locked).lockExpirationTime) - server.baton.clock.now().getTime()).to.equal(600_000);
    expect((await worker.request('POST', `/api/external-tasks/${task!.id}/extend-lock`, { workerId: 'w2', newDuration: 1000 })).status).to.equal(409);
  });

  it('long polls: a fetch waiting for work is answered when a task opens', async () => {
    // given a worker waiting up to 10 s
    const waiting = fetch('w1', { asyncResponseTimeout: 10_000 });
    // when an instance starts meanwhile
    await start();
    // then the waiting fetch returns its task
    const tasks = await waiting;
    expect(tasks.map((task) => task.activityId)).to.deep.equal(['Task_Score']);
  });

  it('closes the external task when the instance is cancelled', async () => {
    const id = await start();
    const [task] = await fetch();
    await server.http.request('POST', `/api/instances/${id}/cancel`, { reason: 'test' });
    const late = await worker.request('POST', `/api/external-tasks/${task!.id}/complete`, { workerId: 'w1', variables: {} });
    expect(late.status).to.equal(409);
    const open = (await server.http.request('GET', '/api/external-tasks')).body as unknown[];
    expect(open).to.deep.equal([]);
  });
});
