import { expect } from 'chai';
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
      const started = await startInstance(store(), { ...instance, auditHead: { seq: 2, hash: e2.hash } }, {
        audit: [e2, e1],
      });
      // when the second step commits
      await store().commitStep(
        nextStep(started, { audit: [e4, e3] }, { auditHead: { seq: 4, hash: e4.hash } }),
      );
      // then the whole log reads back unchanged, in seq order
      expect(await store().audit.forInstance(instance.id)).to.deep.equal(events);
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
