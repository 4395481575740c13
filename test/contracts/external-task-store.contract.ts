import { expect } from 'chai';

import type { ExternalTaskRecord } from '../../server/external-tasks/external-task.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import { isoAt, makeInstance, nextStep, startInstance, uniqueId } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

function makeExternalTask(instance: InstanceRecord, overrides: Partial<ExternalTaskRecord> = {}): ExternalTaskRecord {
  const executionId = uniqueId('exec');
  return {
    id: `${instance.id}:${executionId}`,
    instanceId: instance.id,
    executionId,
    elementId: 'Task_Score',
    topic: 'credit-score',
    processKey: instance.processKey,
    ticketNumber: instance.ticketNumber,
    businessKey: instance.businessKey,
    status: 'open',
    kind: 'worker',
    childInstanceId: null,
    input: { customer: 'C-1' },
    headers: { region: 'eu' },
    retries: null,
    errorMessage: null,
    workerId: null,
    lockExpiresAt: null,
    availableAt: null,
    createdAt: isoAt(0),
    updatedAt: isoAt(0),
    ...overrides,
  };
}

const at = (minutes: number) => new Date(isoAt(minutes));

export function externalTaskStoreContract(open: OpenStore, close: CloseStore): void {
  describe('ExternalTaskStore contract', () => {
    const store = useFreshStore(open, close);

    it('stores external tasks with the step and reads them back per instance and by id', async () => {
      // given an instance whose start opened two external tasks
      const instance = makeInstance();
      const first = makeExternalTask(instance, { createdAt: isoAt(0) });
      const second = makeExternalTask(instance, { createdAt: isoAt(1), topic: 'other' });
      await startInstance(store(), instance, { externalTasks: [second, first] });
      // then they read back unchanged, oldest first
      expect(await store().externalTasks.get(first.id)).to.deep.equal(first);
      expect(await store().externalTasks.get('missing')).to.equal(null);
      expect(await store().externalTasks.forInstance(instance.id)).to.deep.equal([first, second]);
      expect((await store().externalTasks.listOpen({ topic: 'other' })).map((task) => task.id)).to.deep.equal([second.id]);
    });

    it('locks free tasks of the topics for one worker only, up to maxTasks, and frees them when the lock expires', async () => {
      const instance = makeInstance();
      const tasks = [0, 1, 2].map((minute) => makeExternalTask(instance, { createdAt: isoAt(minute) }));
      await startInstance(store(), instance, { externalTasks: tasks });
      const lock = (workerId: string, minute: number, maxTasks = 2) => store().externalTasks.lock({ workerId, topics: [{ name: 'credit-score', lockDurationMs: 600_000 }], maxTasks, now: at(minute) });
      // when two workers lock in turn
      const one = await lock('w1', 5);
      const two = await lock('w2', 5);
      // then the oldest two go to the first, the third to the second, with the lock's end
      expect(one.map((task) => task.id)).to.deep.equal([tasks[0]!.id, tasks[1]!.id]);
      expect(one[0]).to.deep.include({ workerId: 'w1', lockExpiresAt: isoAt(15) });
      expect(two.map((task) => task.id)).to.deep.equal([tasks[2]!.id]);
      expect(await lock('w3', 10)).to.deep.equal([]);
      // after the locks expire another worker gets them
      expect((await lock('w3', 15, 5)).length).to.equal(3);
    });

    it('hands out no task before its retry time, and none that is closed or in an incident', async () => {
      const instance = makeInstance();
      const later = makeExternalTask(instance, { availableAt: isoAt(30) });
      const closed = makeExternalTask(instance, { status: 'completed' });
      const broken = makeExternalTask(instance, { status: 'incident' });
      await startInstance(store(), instance, { externalTasks: [later, closed, broken] });
      const lock = (minute: number) => store().externalTasks.lock({ workerId: 'w', topics: [{ name: 'credit-score', lockDurationMs: 1000 }], maxTasks: 10, now: at(minute) });
      expect(await lock(10)).to.deep.equal([]);
      expect((await lock(30)).map((task) => task.id)).to.deep.equal([later.id]);
    });

    it('never hands a call to a worker, and finds a call by its child instance', async () => {
      const instance = makeInstance();
      const call = makeExternalTask(instance, { kind: 'call', topic: 'credit-score', childInstanceId: 'child-1' });
      await startInstance(store(), instance, { externalTasks: [call] });
      expect(await store().externalTasks.lock({ workerId: 'w', topics: [{ name: 'credit-score', lockDurationMs: 1000 }], maxTasks: 5, now: at(0) })).to.deep.equal([]);
      expect(await store().externalTasks.byChild('child-1')).to.deep.equal(call);
      expect(await store().externalTasks.byChild('nobody')).to.equal(null);
    });

    it('extends only a live lock of the same worker', async () => {
      const instance = makeInstance();
      const task = makeExternalTask(instance);
      await startInstance(store(), instance, { externalTasks: [task] });
      await store().externalTasks.lock({ workerId: 'w1', topics: [{ name: 'credit-score', lockDurationMs: 60_000 }], maxTasks: 1, now: at(0) });
      expect(await store().externalTasks.extendLock(task.id, 'w2', at(30), at(0))).to.equal(null);
      expect((await store().externalTasks.extendLock(task.id, 'w1', at(30), at(0)))?.lockExpiresAt).to.equal(isoAt(30));
      // a lock that ran out cannot be extended
      expect(await store().externalTasks.extendLock(task.id, 'w1', at(60), at(45))).to.equal(null);
    });

    it('a later step updates the task (closing it clears the lock) and a refused step writes nothing', async () => {
      const instance = await startInstance(store(), makeInstance());
      const task = makeExternalTask(instance);
      await store().commitStep(nextStep(instance, { externalTasks: [task] }));
      const stored = { ...instance, version: 2 };
      await store().commitStep(nextStep(stored, { externalTasks: [{ ...task, status: 'completed', updatedAt: isoAt(5) }] }));
      expect((await store().externalTasks.get(task.id))?.status).to.equal('completed');
      // a step at a stale version is refused with everything in it
      const other = makeExternalTask(instance);
      await store()
        .commitStep(nextStep(stored, { externalTasks: [other] }))
        .catch(() => undefined);
      expect(await store().externalTasks.get(other.id)).to.equal(null);
    });
  });
}
