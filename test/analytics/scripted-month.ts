import type { Client } from '../support/http.js';
import { addUser, bpmn, type TestBaton } from '../support/harness.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** Where the scripted month starts: Monday 2 November 2026, 08:00 UTC. */
export const MONTH_START = new Date('2026-11-02T08:00:00.000Z');

/** first-line work with a 2 h SLA that escalates to L2, and a loop back when `again`. */
export const DESK = bpmn(
  'desk',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first" />
   <bpmn:userTask id="first" name="First line" camunda:candidateGroups="first-line" />
   <bpmn:boundaryEvent id="sla" attachedToRef="first"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
   <bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="gw" />
   <bpmn:exclusiveGateway id="gw" default="f3" />
   <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end" />
   <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="first"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${again == true}</bpmn:conditionExpression></bpmn:sequenceFlow>
   <bpmn:sequenceFlow id="f5" sourceRef="sla" targetRef="second" />
   <bpmn:userTask id="second" name="Second line" camunda:candidateGroups="l2" />
   <bpmn:sequenceFlow id="f6" sourceRef="second" targetRef="end2" />
   <bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />`,
);

/** The customer answers first (a photo, say), then first line works it. */
export const ASK = bpmn(
  'ask',
  `<bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer" />
   <bpmn:userTask id="answer" name="Customer answers" camunda:candidateGroups="customer" />
   <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="work" />
   <bpmn:userTask id="work" name="Work it" camunda:candidateGroups="first-line" />
   <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end" /><bpmn:endEvent id="end" />`,
);

export interface Month {
  instances: Record<'t1' | 't2' | 't3' | 't4' | 't5' | 't6', string>;
}

/**
 * Six tickets in November 2026, one after the other (times from each ticket's start):
 * t1 ada claims +10m, resolves +30m; rated 5.
 * t2 ada claims +5m, passes up +15m; bob (L1) claims +45m, resolves +60m; rated 4.
 * t3 ada claims +5m, hands over to bob +10m; bob resolves +40m.
 * t4 ada claims +5m, completes +15m with `again` (reopened); ada claims the new task +20m, resolves +30m.
 * t5 (ask) the customer answers after 3 h; ada claims +3h10m, resolves +3h20m.
 * t6 ada claims +5m; the 2 h SLA escalates it at +2h1m to L2; carl claims +2h31m, resolves +2h41m.
 */
export async function scriptMonth(baton: TestBaton, as: (username: string) => Promise<Client>): Promise<Month> {
  await addUser(baton, 'ada', 'staff', ['first-line']);
  await addUser(baton, 'bob', 'staff', ['l1']);
  await addUser(baton, 'carl', 'staff', ['l2']);
  await baton.definitions.deploy(DESK);
  await baton.definitions.deploy(ASK);
  const ada = await as('ada');
  const bob = await as('bob');
  const carl = await as('carl');
  const clock = baton.clock;
  clock.set(MONTH_START);

  const openTask = async (instanceId: string): Promise<string> => {
    const [task] = await baton.store.tasks.list({ instanceId, status: 'open' });
    if (!task) throw new Error(`instance ${instanceId} has no open task`);
    return task.id;
  };
  const act = async (client: Client, taskId: string, action: string, body: unknown = {}) => {
    const res = await client.request('POST', `/api/tasks/${taskId}/${action}`, body);
    if (res.status !== 200) throw new Error(`${action} ${taskId}: ${res.status} ${res.text}`);
  };
  const at = (base: number, offset: number) => clock.set(new Date(base + offset));
  const start = async (processKey: string) => {
    const base = clock.now().getTime();
    const { instance } = await baton.instances.start({ processKey, variables: {}, businessKey: null }, 'test');
    return { id: instance.id, base };
  };
  const done = { variables: { again: false } };
  const next = (base: number) => clock.set(new Date(base + 4 * HOUR));

  const t1 = await start('desk');
  let task = await openTask(t1.id);
  at(t1.base, 10 * MINUTE);
  await act(ada, task, 'claim');
  at(t1.base, 30 * MINUTE);
  await act(ada, task, 'complete', done);
  next(t1.base);

  const t2 = await start('desk');
  task = await openTask(t2.id);
  at(t2.base, 5 * MINUTE);
  await act(ada, task, 'claim');
  at(t2.base, 15 * MINUTE);
  await act(ada, task, 'pass-up', { reason: 'needs L1' });
  at(t2.base, 45 * MINUTE);
  await act(bob, task, 'claim');
  at(t2.base, 60 * MINUTE);
  await act(bob, task, 'complete', done);
  next(t2.base);

  const t3 = await start('desk');
  task = await openTask(t3.id);
  at(t3.base, 5 * MINUTE);
  await act(ada, task, 'claim');
  at(t3.base, 10 * MINUTE);
  await act(ada, task, 'hand-over', { assignee: 'bob', reason: 'bob knows this customer' });
  at(t3.base, 40 * MINUTE);
  await act(bob, task, 'complete', done);
  next(t3.base);

  const t4 = await start('desk');
  task = await openTask(t4.id);
  at(t4.base, 5 * MINUTE);
  await act(ada, task, 'claim');
  at(t4.base, 15 * MINUTE);
  await act(ada, task, 'complete', { variables: { again: true } });
  task = await openTask(t4.id);
  at(t4.base, 20 * MINUTE);
  await act(ada, task, 'claim');
  at(t4.base, 30 * MINUTE);
  await act(ada, task, 'complete', done);
  next(t4.base);

  const t5 = await start('ask');
  task = await openTask(t5.id);
  at(t5.base, 3 * HOUR);
  await baton.tasks.complete({ id: task, instanceId: t5.id }, { photo: 'taken' }, 'customer');
  task = await openTask(t5.id);
  at(t5.base, 3 * HOUR + 10 * MINUTE);
  await act(ada, task, 'claim');
  at(t5.base, 3 * HOUR + 20 * MINUTE);
  await act(ada, task, 'complete', done);
  next(t5.base);

  const t6 = await start('desk');
  task = await openTask(t6.id);
  at(t6.base, 5 * MINUTE);
  await act(ada, task, 'claim');
  at(t6.base, 2 * HOUR + MINUTE);
  await baton.scheduler.tick();
  task = await openTask(t6.id);
  at(t6.base, 2 * HOUR + 31 * MINUTE);
  await act(carl, task, 'claim');
  at(t6.base, 2 * HOUR + 41 * MINUTE);
  await act(carl, task, 'complete', {});
  next(t6.base);

  const rate = async (instanceId: string, rating: number) => {
    await baton.store.customer.insertFeedback({ instanceId, rating, comment: '', createdAt: clock.now().toISOString() });
  };
  await rate(t1.id, 5);
  await rate(t2.id, 4);
  return { instances: { t1: t1.id, t2: t2.id, t3: t3.id, t4: t4.id, t5: t5.id, t6: t6.id } };
}
