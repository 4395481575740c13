import { expect } from 'chai';
import { headsDigest, type CheckpointBody } from '../../server/audit/audit-checkpoint.js';
import { makeAuditEvent, makeInstance, nextStep, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function auditStoreContract(open: OpenStore, close: CloseStore): void {
  describe('AuditStore contract', () => {
    const store = useFreshStore(open, close);

    it('reads an instance log back in seq order across steps', async () => {
      // given a first step appending events 1-2 (listed out of order) and a second appending 3-4
      const instance = makeInstance();
      const events = [1, 2, 3, 4].map((seq) => makeAuditEvent(instance, seq));
      const [e1, e2, e3, e4] = events;
      if (!e1 || !e2 || !e3 || !e4) throw new Error('fixture');
      const started = await startInstance(
        store(),
        { ...instance, auditHead: { seq: 2, hash: e2.hash } },
        {
          audit: [e2, e1],
        },
      );
      // when the second step commits
      await store().commitStep(nextStep(started, { audit: [e4, e3] }, { auditHead: { seq: 4, hash: e4.hash } }));
      // then the whole log reads back unchanged, in seq order
      expect(await store().audit.forInstance(instance.id)).to.deep.equal(events);
    });

    it('reads a log in pages after a given seq', async () => {
      // given an instance with five events
      const instance = makeInstance();
      const events = [1, 2, 3, 4, 5].map((seq) => makeAuditEvent(instance, seq));
      await startInstance(store(), { ...instance, auditHead: { seq: 5, hash: 'hash-5' } }, { audit: events });
      // when pages of two are read
      const seqs = async (after: number) => (await store().audit.page(instance.id, after, 2)).map((event) => event.seq);
      // then each page continues after the last one read
      expect(await seqs(0)).to.deep.equal([1, 2]);
      expect(await seqs(2)).to.deep.equal([3, 4]);
      expect(await seqs(4)).to.deep.equal([5]);
      expect(await seqs(5)).to.deep.equal([]);
    });

    it('checkpoints the heads that advanced, each linked to the previous signature', async () => {
      // given two instances with chain heads 2 and 1, and one with no events yet
      const a = await startInstance(store(), { auditHead: { seq: 2, hash: 'a2' } });
      const b = await startInstance(store(), { auditHead: { seq: 1, hash: 'b1' } });
      await startInstance(store(), { auditHead: { seq: 0, hash: '' } });
      const signed: CheckpointBody[] = [];
      const sign = (body: CheckpointBody) => {
        signed.push(body);
        return `sig-${body.id}`;
      };
      const checkpoints = store().audit.checkpoints;
      // when a first checkpoint is taken
      const first = await checkpoints.append('2026-03-02T09:00:00.000Z', 'key-1', sign);
      // then it seals both heads, with a digest over them, and was signed as stored
      const sealed = [
        { instanceId: a.id, seq: 2, hash: 'a2' },
        { instanceId: b.id, seq: 1, hash: 'b1' },
      ].sort((x, y) => (x.instanceId < y.instanceId ? -1 : 1));
      expect(first).to.deep.equal({ ...signed[0], signature: 'sig-1' });
      expect(first).to.include({ id: 1, prevSignature: '', headCount: 2, keyId: 'key-1', headsDigest: headsDigest(sealed) });
      expect(await checkpoints.heads(1)).to.deep.equal(sealed);
      // when nothing advanced, no checkpoint is written
      expect(await checkpoints.append('2026-03-02T09:05:00.000Z', 'key-1', sign)).to.equal(null);
      // when a advances, and b's head goes back (a truncated log must not be sealed again)
      await store().commitStep(nextStep(a, {}, { auditHead: { seq: 3, hash: 'a3' } }));
      await store().commitStep(nextStep(b, {}, { auditHead: { seq: 0, hash: '' } }));
      const second = await checkpoints.append('2026-03-02T09:10:00.000Z', 'key-1', sign);
      // then only a's new head is sealed, linked to the first checkpoint
      expect(second).to.include({ id: 2, prevSignature: 'sig-1', headCount: 1 });
      expect(await checkpoints.heads(2)).to.deep.equal([{ instanceId: a.id, seq: 3, hash: 'a3' }]);
      expect(await checkpoints.sealedHeads(a.id)).to.deep.equal([
        { instanceId: a.id, seq: 2, hash: 'a2', checkpointId: 1 },
        { instanceId: a.id, seq: 3, hash: 'a3', checkpointId: 2 },
      ]);
      expect(await checkpoints.latest()).to.deep.equal(second);
      expect(await checkpoints.get(1)).to.deep.equal(first);
      expect(await checkpoints.get(9)).to.equal(null);
      expect(await checkpoints.count()).to.equal(2);
      expect((await checkpoints.list(0, 10)).map((c) => c.id)).to.deep.equal([1, 2]);
      expect((await checkpoints.list(1, 10)).map((c) => c.id)).to.deep.equal([2]);
    });

    it('finds the newest event at given elements', async () => {
      // given an instance passing 'a', 'b', then 'a' again, and another instance at 'c' later
      const instance = makeInstance();
      const events = ['a', 'b', 'a', null].map((elementId, index) => makeAuditEvent(instance, index + 1, { elementId }));
      await startInstance(store(), { ...instance, auditHead: { seq: 4, hash: 'hash-4' } }, { audit: events });
      const other = makeInstance();
      await startInstance(store(), other, { audit: [makeAuditEvent(other, 1, { elementId: 'c' })] });
      // then the last event at any of the elements comes back, and none when no event is at them
      expect(await store().audit.lastAt(instance.id, ['a', 'b'])).to.deep.equal(events[2]);
      expect(await store().audit.lastAt(instance.id, ['b'])).to.deep.equal(events[1]);
      expect(await store().audit.lastAt(instance.id, ['c'])).to.equal(null);
      expect(await store().audit.lastAt(instance.id, [])).to.equal(null);
      expect(await store().audit.lastAt('missing', ['a'])).to.equal(null);
    });

    it('keeps each instance log to itself', async () => {
      // given two instances with one event each
      const a = makeInstance();
      const b = makeInstance();
      const eventA = makeAuditEvent(a, 1, { type: 'instance.started', elementId: null });
      const eventB = makeAuditEvent(b, 1, { actor: 'ada', data: {} });
      await startInstance(store(), a, { audit: [eventA] });
      await startInstance(store(), b, { audit: [eventB] });
      // when each log is read
      // then it holds only its own events, and an unknown instance has none
      expect(await store().audit.forInstance(a.id)).to.deep.equal([eventA]);
      expect(await store().audit.forInstance(b.id)).to.deep.equal([eventB]);
      expect(await store().audit.forInstance('missing')).to.deep.equal([]);
    });
  });
}
