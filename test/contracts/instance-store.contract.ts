import { expect } from 'chai';
import { TicketNumberTakenError } from '../../server/errors.js';
import type { InstanceFilter } from '../../server/instances/instance.js';
import { isoAt, makeAuditEvent, makeIncident, makeInstance, makeSubscription, makeTask, newInstanceStep, nextStep, rejectionOf, startInstance, uniqueId } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function instanceStoreContract(open: OpenStore, close: CloseStore): void {
  describe('InstanceStore contract', () => {
    const store = useFreshStore(open, close);

    it('reads back a committed instance unchanged', async () => {
      // given an instance with variables, engine state and a business key
      const instance = makeInstance({ businessKey: 'order-17', auditHead: { seq: 2, hash: 'h2' } });
      // when its first step is committed
      await store().commitStep({
        instance,
        expectedVersion: null,
        tasks: [],
        audit: [],
        timers: [],
        subscriptions: [],
        incidents: [],
        outbox: [],
      });
      // then get and findByBusinessKey return it as written
      expect(await store().instances.get(instance.id)).to.deep.equal(instance);
      expect(await store().instances.findByBusinessKey('helpdesk', 'order-17')).to.deep.equal(instance);
    });

    it('keeps a null engine state and an end time', async () => {
      // given a running instance
      const running = await startInstance(store());
      // when a step ends it and drops its engine state
      const step = nextStep(running, {}, { status: 'completed', state: null, endedAt: isoAt(30) });
      await store().commitStep(step);
      // then the stored instance is the ended one
      expect(await store().instances.get(running.id)).to.deep.equal(step.instance);
    });

    it('returns null for unknown ids and business keys', async () => {
      // given an instance with business key "k1" in process "helpdesk"
      await startInstance(store(), { businessKey: 'k1' });
      // when unknown things are looked up
      // then nothing is found, including the same key under another process
      expect(await store().instances.get('missing')).to.equal(null);
      expect(await store().instances.findByBusinessKey('helpdesk', 'k2')).to.equal(null);
      expect(await store().instances.findByBusinessKey('refund', 'k1')).to.equal(null);
    });

    it('lists newest first and filters by status, process key, ticket number and business key', async () => {
      // given four instances started one minute apart
      const a = await startInstance(store(), { startedAt: isoAt(1), processKey: 'helpdesk' });
      const b = await startInstance(store(), { startedAt: isoAt(2), processKey: 'refund', businessKey: 'r-1' });
      const c = await startInstance(store(), { startedAt: isoAt(3), processKey: 'helpdesk', status: 'completed' });
      const d = await startInstance(store(), { startedAt: isoAt(4), processKey: 'refund' });
      const ids = async (filter: InstanceFilter) => (await store().instances.list(filter)).map((i) => i.id);
      // when listed with each filter
      // then each answer is newest first and only what matches
      expect(await ids({})).to.deep.equal([d.id, c.id, b.id, a.id]);
      expect(await ids({ status: 'running' })).to.deep.equal([d.id, b.id, a.id]);
      expect(await ids({ processKey: 'refund' })).to.deep.equal([d.id, b.id]);
      expect(await ids({ processKey: 'helpdesk', status: 'running' })).to.deep.equal([a.id]);
      expect(await ids({ ticketNumber: c.ticketNumber })).to.deep.equal([c.id]);
      expect(await ids({ businessKey: 'r-1' })).to.deep.equal([b.id]);
      expect(await ids({ status: 'failed' })).to.deep.equal([]);
    });

    it('searches by start time range and by a person who acted or was assigned a task', async () => {
      // given three instances started an hour apart: ada acted on the first (an audit event), bob
      // is assigned a task of the second, nobody named on the third
      const first = makeInstance({ startedAt: isoAt(60) });
      const a = await startInstance(store(), first, { audit: [makeAuditEvent(first, 1, { actor: 'ada' })] });
      const second = makeInstance({ startedAt: isoAt(120) });
      const b = await startInstance(store(), second, { tasks: [makeTask(second, { assignee: 'bob' })] });
      const c = await startInstance(store(), { startedAt: isoAt(180) });
      const ids = async (filter: InstanceFilter) => (await store().instances.list(filter)).map((i) => i.id);
      // when searched
      // then `from` is inclusive, `to` exclusive, and a person matches either way
      expect(await ids({ startedFrom: isoAt(120) })).to.deep.equal([c.id, b.id]);
      expect(await ids({ startedTo: isoAt(120) })).to.deep.equal([a.id]);
      expect(await ids({ startedFrom: isoAt(60), startedTo: isoAt(180) })).to.deep.equal([b.id, a.id]);
      expect(await ids({ person: 'ada' })).to.deep.equal([a.id]);
      expect(await ids({ person: 'bob', startedFrom: isoAt(0) })).to.deep.equal([b.id]);
      expect(await ids({ person: 'carol' })).to.deep.equal([]);
    });

    it('pages with limit and offset', async () => {
      // given five instances
      const started = [];
      for (let minute = 1; minute <= 5; minute += 1) {
        started.push(await startInstance(store(), { startedAt: isoAt(minute) }));
      }
      const newestFirst = started.map((i) => i.id).reverse();
      // when pages are read
      const page = async (limit: number, offset?: number) => (await store().instances.list({ limit, ...(offset === undefined ? {} : { offset }) })).map((i) => i.id);
      // then they are slices of the newest-first order
      expect(await page(2)).to.deep.equal(newestFirst.slice(0, 2));
      expect(await page(2, 2)).to.deep.equal(newestFirst.slice(2, 4));
      expect(await page(10, 4)).to.deep.equal(newestFirst.slice(4));
      expect(await page(10, 5)).to.deep.equal([]);
    });

    it('takes ticket numbers only with a step: in sequence, per prefix, from 1', async () => {
      // given a fresh store, no number is taken yet
      expect(await store().instances.lastTicketSeq('HD')).to.equal(0);
      // when starts take numbers of two prefixes, interleaved
      for (const [prefix, seq] of [
        ['HD', 1],
        ['HD', 2],
        ['RF', 1],
        ['HD', 3],
      ] as const) {
        await store().commitStep(newInstanceStep(makeInstance(), {}, { prefix, seq }));
      }
      // then each prefix counts on its own
      expect(await store().instances.lastTicketSeq('HD')).to.equal(3);
      expect(await store().instances.lastTicketSeq('RF')).to.equal(1);
    });

    it('refuses a ticket number that is taken or skips one, and writes nothing of that step', async () => {
      // given HD-1 taken
      await store().commitStep(newInstanceStep(makeInstance(), {}, { prefix: 'HD', seq: 1 }));
      for (const seq of [1, 3]) {
        // when a start comes with number 1 again, or with 3 (a gap)
        const instance = makeInstance();
        const refused = await rejectionOf(store().commitStep(newInstanceStep(instance, {}, { prefix: 'HD', seq })));
        // then it is refused with the ticket conflict, and neither the instance nor the counter moved
        expect(refused, `seq ${seq}`).to.be.instanceOf(TicketNumberTakenError);
        expect(await store().instances.get(instance.id)).to.equal(null);
        expect(await store().instances.lastTicketSeq('HD')).to.equal(1);
      }
    });

    it('gives each number to exactly one of 20 concurrent starts', async () => {
      // when 20 starts all try number 1 of a fresh prefix at once
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store().commitStep(newInstanceStep(makeInstance(), {}, { prefix: 'FS', seq: 1 }))));
      // then one wins, the others get the ticket conflict
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).to.be.instanceOf(TicketNumberTakenError);
      expect(await store().instances.lastTicketSeq('FS')).to.equal(1);
    });

    it('upserts incidents with the step and reads them per instance and by id', async () => {
      // given an instance whose first step raised two incidents
      const instance = makeInstance();
      const first = makeIncident(instance, { createdAt: isoAt(1) });
      const second = makeIncident(instance, { createdAt: isoAt(2), kind: 'expression', elementId: null });
      const started = await startInstance(store(), { id: instance.id }, { incidents: [second, first] });
      // when a later step resolves the first one
      const resolved = { ...first, status: 'resolved' as const, resolvedAt: isoAt(9) };
      await store().commitStep(nextStep(started, { incidents: [resolved] }));
      // then the instance has both, oldest first, the first one resolved
      expect(await store().instances.incidents(instance.id)).to.deep.equal([resolved, second]);
      expect(await store().instances.getIncident(second.id)).to.deep.equal(second);
      expect(await store().instances.getIncident('missing')).to.equal(null);
      expect(await store().instances.incidents('missing')).to.deep.equal([]);
      // and across instances only the open one is listed, within the limit
      expect(await store().instances.openIncidents(10)).to.deep.equal([second]);
      expect(await store().instances.openIncidents(0)).to.deep.equal([]);
    });

    it('finds message subscriptions by name, and by name and business key', async () => {
      // given two instances waiting for "customer-replied" under different keys, and one waiting
      // for another message
      const one = makeInstance({ businessKey: 'c-1' });
      const two = makeInstance({ businessKey: 'c-2' });
      const other = makeInstance();
      const subOne = makeSubscription(one);
      const subTwo = makeSubscription(two);
      const subOther = makeSubscription(other, { messageName: 'invoice-paid' });
      await startInstance(store(), one, { subscriptions: [subOne] });
      await startInstance(store(), two, { subscriptions: [subTwo] });
      await startInstance(store(), other, { subscriptions: [subOther] });
      // when subscriptions are looked up
      const byName = await store().instances.subscriptions('customer-replied', null);
      const byKey = await store().instances.subscriptions('customer-replied', 'c-2');
      // then the name alone finds both, the key narrows to one
      const executionIds = byName.map((s) => s.executionId).sort();
      expect(executionIds).to.deep.equal([subOne.executionId, subTwo.executionId].sort());
      expect(byKey).to.deep.equal([subTwo]);
      expect(await store().instances.subscriptions('customer-replied', 'c-3')).to.deep.equal([]);
      expect(await store().instances.subscriptions(uniqueId('unknown-message'), null)).to.deep.equal([]);
    });
  });
}
