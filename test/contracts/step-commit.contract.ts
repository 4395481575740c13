import { expect } from 'chai';
import { VersionConflictError } from '../../server/errors.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import type { StepWrite, Store } from '../../server/stores/store.js';
import { isoAt, makeAuditEvent, makeIncident, makeInstance, makeOutboxMessage, makeSubscription, makeTask, makeTimer, newInstanceStep, nextStep, rejectionOf, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

const MESSAGES = ['customer-replied', 'invoice-paid'];

/** Everything the store holds about one instance, read through the ports only. */
async function snapshot(store: Store, instanceId: string) {
  const subscriptions = [];
  for (const name of MESSAGES) {
    const all = await store.instances.subscriptions(name, null);
    subscriptions.push(...all.filter((s) => s.instanceId === instanceId));
  }
  return {
    instance: await store.instances.get(instanceId),
    tasks: await store.tasks.list({ instanceId }),
    audit: await store.audit.forInstance(instanceId),
    timers: await store.timers.forInstance(instanceId),
    subscriptions,
    incidents: await store.instances.incidents(instanceId),
    outbox: await store.outbox.forInstance(instanceId),
  };
}

/** A first step that writes one of everything. */
function fullFirstStep(instance: InstanceRecord): StepWrite {
  return newInstanceStep(instance, {
    tasks: [makeTask(instance)],
    audit: [makeAuditEvent(instance, 1)],
    timers: [makeTimer(instance)],
    subscriptions: [makeSubscription(instance)],
    incidents: [makeIncident(instance)],
    outbox: [makeOutboxMessage(instance)],
  });
}

/** A follow-up step from `previous` that touches every part, so a leak of any part shows. */
function fullNextStep(previous: InstanceRecord, stored: Awaited<ReturnType<typeof snapshot>>): StepWrite {
  const changedTasks = stored.tasks.map((t) => ({ ...t, status: 'completed' as const, endedAt: isoAt(50) }));
  const changedIncidents = stored.incidents.map((i) => ({ ...i, status: 'resolved' as const }));
  return nextStep(
    previous,
    {
      tasks: [...changedTasks, makeTask(previous, { elementId: 'escalate' })],
      audit: [makeAuditEvent(previous, previous.auditHead.seq + 1)],
      timers: [makeTimer(previous, { dueAt: isoAt(999) })],
      subscriptions: [makeSubscription(previous, { messageName: 'invoice-paid' })],
      incidents: [...changedIncidents, makeIncident(previous)],
      outbox: [makeOutboxMessage(previous)],
    },
    { status: 'completed', variables: { changed: true } },
  );
}

export function stepCommitContract(open: OpenStore, close: CloseStore): void {
  describe('Store.commitStep contract', () => {
    const store = useFreshStore(open, close);

    it('writes every part of a new instance step', async () => {
      // given a first step with one of everything
      const instance = makeInstance({ auditHead: { seq: 1, hash: 'hash-1' } });
      const step = fullFirstStep(instance);
      // when it is committed
      await store().commitStep(step);
      // then every part reads back as written
      expect(await snapshot(store(), instance.id)).to.deep.equal({
        instance,
        tasks: step.tasks,
        audit: step.audit,
        timers: step.timers,
        subscriptions: step.subscriptions,
        incidents: step.incidents,
        outbox: step.outbox,
      });
    });

    it('writes nothing of a step whose expected version is stale', async () => {
      // given an instance that has advanced to version 2
      const v1 = makeInstance({ auditHead: { seq: 1, hash: 'hash-1' } });
      await store().commitStep(fullFirstStep(v1));
      const v2Step = nextStep(v1, { audit: [makeAuditEvent(v1, 2)] }, { auditHead: { seq: 2, hash: 'hash-2' } });
      await store().commitStep(v2Step);
      const before = await snapshot(store(), v1.id);
      // when a second writer commits a full step that started from version 1
      const error = await rejectionOf(store().commitStep(fullNextStep(v1, before)));
      // then it is a version conflict and instance, tasks, audit, timers, subscriptions,
      // incidents and outbox are all as they were
      expect(error).to.be.instanceOf(VersionConflictError);
      expect(await snapshot(store(), v1.id)).to.deep.equal(before);
      expect((await store().instances.get(v1.id))?.version).to.equal(2);
    });

    it('refuses a step for an instance that was never stored', async () => {
      // given an empty store
      const ghost = makeInstance();
      // when a step claims to continue it from version 1
      const error = await rejectionOf(store().commitStep(nextStep(ghost, { tasks: [makeTask(ghost)], outbox: [makeOutboxMessage(ghost)] })));
      // then it is a version conflict and nothing exists
      expect(error).to.be.instanceOf(VersionConflictError);
      expect(await store().instances.get(ghost.id)).to.equal(null);
      expect(await store().tasks.list({ instanceId: ghost.id })).to.deep.equal([]);
      expect(await store().outbox.pending(10)).to.deep.equal([]);
    });

    it('lets exactly one of two concurrent steps from the same version win', async () => {
      // given an instance at version 1
      const v1 = await startInstance(store());
      // when two writers commit different steps from version 1 at the same time
      const a = nextStep(v1, { tasks: [makeTask(v1, { name: 'from A' })] }, { variables: { writer: 'A' } });
      const b = nextStep(v1, { tasks: [makeTask(v1, { name: 'from B' })] }, { variables: { writer: 'B' } });
      const results = await Promise.allSettled([store().commitStep(a), store().commitStep(b)]);
      // then one succeeded, the other lost with a version conflict, and only the winner's writes exist
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(lost[0]?.reason).to.be.instanceOf(VersionConflictError);
      const stored = await store().instances.get(v1.id);
      const winner = stored?.variables['writer'] === 'A' ? a : b;
      expect(stored).to.deep.equal(winner.instance);
      expect(await store().tasks.list({ instanceId: v1.id })).to.deep.equal(winner.tasks);
    });

    it('refuses a second insert of the same instance id and writes nothing of it', async () => {
      // given a stored instance
      const original = makeInstance({ auditHead: { seq: 1, hash: 'hash-1' } });
      await store().commitStep(fullFirstStep(original));
      const before = await snapshot(store(), original.id);
      // when a new-instance step with the same id and other content is committed
      const duplicate = makeInstance({ id: original.id, ticketNumber: 'T-other', variables: { other: 1 } });
      const error = await rejectionOf(store().commitStep(fullFirstStep(duplicate)));
      // then it is a version conflict and the stored instance is untouched
      expect(error).to.be.instanceOf(VersionConflictError);
      expect(await snapshot(store(), original.id)).to.deep.equal(before);
    });

    it('refuses a second instance with the same business key in the same process', async () => {
      // given an instance of "helpdesk" with business key "order-1"
      const first = await startInstance(store(), { businessKey: 'order-1' });
      // when another new instance of "helpdesk" claims "order-1"
      const second = makeInstance({ businessKey: 'order-1' });
      const error = await rejectionOf(store().commitStep(fullFirstStep(second)));
      // then it is a version conflict, nothing of it is written, and the key still finds the first
      expect(error).to.be.instanceOf(VersionConflictError);
      expect(await snapshot(store(), second.id)).to.deep.equal({
        instance: null,
        tasks: [],
        audit: [],
        timers: [],
        subscriptions: [],
        incidents: [],
        outbox: [],
      });
      expect((await store().instances.findByBusinessKey('helpdesk', 'order-1'))?.id).to.equal(first.id);
    });

    it('allows one business key in different processes, and any number of instances without one', async () => {
      // given an instance of "helpdesk" with key "k" and one without a key
      await startInstance(store(), { businessKey: 'k' });
      await startInstance(store(), { businessKey: null });
      // when "refund" uses key "k" and another keyless "helpdesk" instance starts
      const refund = await startInstance(store(), { processKey: 'refund', businessKey: 'k' });
      const keyless = await startInstance(store(), { businessKey: null });
      // then both were stored
      expect((await store().instances.findByBusinessKey('refund', 'k'))?.id).to.equal(refund.id);
      expect((await store().instances.get(keyless.id))?.id).to.equal(keyless.id);
    });

    it('refuses a step whose instance version is not expectedVersion + 1', async () => {
      // given an instance at version 1
      const v1 = await startInstance(store());
      // when a step from version 1 claims version 3, and a new instance claims version 2
      const skipping = nextStep(v1, { tasks: [makeTask(v1)] });
      const newAtTwo = makeInstance({ version: 2 });
      const errors = [await rejectionOf(store().commitStep({ ...skipping, instance: { ...skipping.instance, version: 3 } })), await rejectionOf(store().commitStep(newInstanceStep(newAtTwo)))];
      // then both are refused and nothing was written
      expect(errors.every((e) => e instanceof Error)).to.equal(true);
      expect(await store().instances.get(v1.id)).to.deep.equal(v1);
      expect(await store().tasks.list({ instanceId: v1.id })).to.deep.equal([]);
      expect(await store().instances.get(newAtTwo.id)).to.equal(null);
    });

    it("refuses a step carrying another instance's records", async () => {
      // given two stored instances, the second with a timer
      const mine = await startInstance(store());
      const other = makeInstance();
      const otherTimer = makeTimer(other);
      await startInstance(store(), other, { timers: [otherTimer] });
      // when a step of the first carries a task and a timer of the second
      const error = await rejectionOf(store().commitStep(nextStep(mine, { tasks: [makeTask(other)], timers: [makeTimer(other)] })));
      // then it is refused and neither instance changed
      expect(error).to.be.instanceOf(Error);
      expect(await store().instances.get(mine.id)).to.deep.equal(mine);
      expect(await store().tasks.list({ instanceId: other.id })).to.deep.equal([]);
      expect(await store().timers.forInstance(other.id)).to.deep.equal([otherTimer]);
    });

    it('replaces the instance timers as a set and leaves other instances alone', async () => {
      // given an instance with timers A and B, and another instance with timer X
      const instance = makeInstance();
      const a = makeTimer(instance, { dueAt: isoAt(10) });
      const b = makeTimer(instance, { dueAt: isoAt(20) });
      const v1 = await startInstance(store(), instance, { timers: [a, b] });
      const neighbour = makeInstance();
      const x = makeTimer(neighbour);
      await startInstance(store(), neighbour, { timers: [x] });
      // when a step keeps B (re-armed later) and adds C
      const movedB = { ...b, dueAt: isoAt(30) };
      const c = makeTimer(instance, { dueAt: isoAt(40) });
      const step2 = nextStep(v1, { timers: [c, movedB] });
      await store().commitStep(step2);
      // then A is gone, B moved, C exists, and X is untouched
      expect(await store().timers.forInstance(instance.id)).to.deep.equal([movedB, c]);
      expect(await store().timers.get(a.id)).to.equal(null);
      expect(await store().timers.forInstance(neighbour.id)).to.deep.equal([x]);
      // and when a later step has no timers, the instance has none
      await store().commitStep(nextStep(step2.instance, { timers: [] }));
      expect(await store().timers.forInstance(instance.id)).to.deep.equal([]);
    });

    it('replaces the instance message subscriptions as a set and leaves other instances alone', async () => {
      // given an instance waiting for "customer-replied", and another waiting for the same
      const instance = makeInstance({ businessKey: 'c-1' });
      const replied = makeSubscription(instance);
      const v1 = await startInstance(store(), instance, { subscriptions: [replied] });
      const neighbour = makeInstance({ businessKey: 'c-2' });
      const neighbourSub = makeSubscription(neighbour);
      await startInstance(store(), neighbour, { subscriptions: [neighbourSub] });
      // when a step now waits for "invoice-paid" instead
      const paid = makeSubscription(instance, { messageName: 'invoice-paid' });
      await store().commitStep(nextStep(v1, { subscriptions: [paid] }));
      // then only the new subscription is left for this instance; the neighbour still waits
      expect(await store().instances.subscriptions('customer-replied', null)).to.deep.equal([neighbourSub]);
      expect(await store().instances.subscriptions('invoice-paid', 'c-1')).to.deep.equal([paid]);
    });

    it('leaves timers and subscriptions as they are when a step passes null for them', async () => {
      // given an instance with a timer and a subscription
      const instance = makeInstance({ businessKey: 'c-9' });
      const timer = makeTimer(instance);
      const subscription = makeSubscription(instance);
      const v1 = await startInstance(store(), instance, { timers: [timer], subscriptions: [subscription] });
      // when a step (an incident, say) says nothing about them
      await store().commitStep(nextStep(v1, { timers: null, subscriptions: null }));
      // then both are unchanged
      expect(await store().timers.forInstance(instance.id)).to.deep.equal([timer]);
      expect(await store().instances.subscriptions(subscription.messageName, 'c-9')).to.deep.equal([subscription]);
    });

    it('writes an outbox message once per idempotency key', async () => {
      // given an instance whose first step queued a message under key K
      const instance = makeInstance();
      const original = makeOutboxMessage(instance, { idempotencyKey: 'svc-exec-1', createdAt: isoAt(1) });
      const v1 = await startInstance(store(), instance, { outbox: [original] });
      // when the handler runs again (at-least-once) and a later step queues K again next to a new key
      const again = makeOutboxMessage(instance, { idempotencyKey: 'svc-exec-1', payload: { retry: true } });
      const fresh = makeOutboxMessage(instance, { idempotencyKey: 'svc-exec-2', createdAt: isoAt(2) });
      await store().commitStep(nextStep(v1, { outbox: [again, fresh] }));
      // then the first message under K is kept, the repeat is skipped, and the new key is written
      expect(await store().outbox.forInstance(instance.id)).to.deep.equal([original, fresh]);
    });

    it('skips a repeated idempotency key within one step', async () => {
      // given a first step that queues the same key twice
      const instance = makeInstance();
      const first = makeOutboxMessage(instance, { idempotencyKey: 'svc-exec-9' });
      const repeat = makeOutboxMessage(instance, { idempotencyKey: 'svc-exec-9' });
      // when it is committed
      await startInstance(store(), instance, { outbox: [first, repeat] });
      // then one message exists
      expect(await store().outbox.forInstance(instance.id)).to.deep.equal([first]);
    });
  });
}
