import { expect } from 'chai';
import { NotFoundError } from '../../server/errors.js';
import { isoAt, makeInstance, makeOutboxMessage, rejectionOf, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function outboxStoreContract(open: OpenStore, close: CloseStore): void {
  describe('OutboxStore contract', () => {
    const store = useFreshStore(open, close);

    it('lists unsent messages oldest first, up to a limit', async () => {
      // given three unsent messages across two instances and one already sent
      const one = makeInstance();
      const two = makeInstance();
      const m1 = makeOutboxMessage(one, { createdAt: isoAt(1) });
      const m2 = makeOutboxMessage(two, { createdAt: isoAt(2) });
      const m3 = makeOutboxMessage(one, { createdAt: isoAt(3) });
      const sent = makeOutboxMessage(two, { createdAt: isoAt(0), sentAt: isoAt(1), attempts: 1 });
      await startInstance(store(), one, { outbox: [m3, m1] });
      await startInstance(store(), two, { outbox: [m2, sent] });
      // when pending messages are asked for
      // then the unsent ones come back unchanged, oldest first, capped by the limit
      expect(await store().outbox.pending(10)).to.deep.equal([m1, m2, m3]);
      expect(await store().outbox.pending(2)).to.deep.equal([m1, m2]);
    });

    it('lists every message of an instance, sent or not, oldest first', async () => {
      // given an instance with a sent and an unsent message
      const instance = makeInstance();
      const later = makeOutboxMessage(instance, { createdAt: isoAt(5) });
      const earlier = makeOutboxMessage(instance, { createdAt: isoAt(1), sentAt: isoAt(2), attempts: 1 });
      await startInstance(store(), instance, { outbox: [later, earlier] });
      // when its messages are listed
      // then both come back, oldest first
      expect(await store().outbox.forInstance(instance.id)).to.deep.equal([earlier, later]);
      expect(await store().outbox.forInstance('missing')).to.deep.equal([]);
    });

    it('takes a sent message out of the pending list', async () => {
      // given a pending message
      const instance = makeInstance();
      const message = makeOutboxMessage(instance);
      await startInstance(store(), instance, { outbox: [message] });
      // when it is marked sent
      const at = new Date(isoAt(7));
      await store().outbox.markSent(message.id, at);
      // then it is no longer pending, and records when it went and one attempt
      expect(await store().outbox.pending(10)).to.deep.equal([]);
      const [stored] = await store().outbox.forInstance(instance.id);
      expect(stored?.sentAt).to.equal(at.toISOString());
      expect(stored?.attempts).to.equal(1);
    });

    it('keeps a failed message pending with its error and attempt count', async () => {
      // given a pending message
      const instance = makeInstance();
      const message = makeOutboxMessage(instance);
      await startInstance(store(), instance, { outbox: [message] });
      // when sending fails twice
      await store().outbox.markFailed(message.id, 'connection refused');
      await store().outbox.markFailed(message.id, 'timeout');
      // then it is still pending, with the last error and two attempts
      const [pending] = await store().outbox.pending(10);
      expect(pending).to.deep.equal({ ...message, attempts: 2, lastError: 'timeout' });
    });

    it('leaves out messages that used up their attempts when a cap is given', async () => {
      // given an unsent message tried twice, one tried once and one never tried
      const instance = makeInstance();
      const twice = makeOutboxMessage(instance, { createdAt: isoAt(1), attempts: 2, lastError: 'timeout' });
      const once = makeOutboxMessage(instance, { createdAt: isoAt(2), attempts: 1, lastError: 'refused' });
      const fresh = makeOutboxMessage(instance, { createdAt: isoAt(3) });
      await startInstance(store(), instance, { outbox: [fresh, once, twice] });
      // when pending messages are asked for with and without a cap of two attempts
      // then the capped list skips the message tried twice, the uncapped one keeps it
      expect(await store().outbox.pending(10, 2)).to.deep.equal([once, fresh]);
      expect(await store().outbox.pending(1, 2)).to.deep.equal([once]);
      expect(await store().outbox.pending(10)).to.deep.equal([twice, once, fresh]);
    });

    it('lists messages by state, newest first, and resends a failed one from scratch', async () => {
      // given a pending, a failed and a sent message
      const instance = makeInstance();
      const pending = makeOutboxMessage(instance, { createdAt: isoAt(1) });
      const failed = makeOutboxMessage(instance, { createdAt: isoAt(2) });
      const sent = makeOutboxMessage(instance, { createdAt: isoAt(3), sentAt: isoAt(4), attempts: 1 });
      await startInstance(store(), instance, { outbox: [pending, failed, sent] });
      await store().outbox.markFailed(failed.id, '550 mailbox unavailable');
      // then each state lists its own
      expect(await store().outbox.list('pending', 10)).to.deep.equal([pending]);
      expect(await store().outbox.list('failed', 10)).to.deep.equal([{ ...failed, attempts: 1, lastError: '550 mailbox unavailable' }]);
      expect(await store().outbox.list('sent', 10)).to.deep.equal([sent]);
      expect(await store().outbox.list('sent', 0)).to.deep.equal([]);
      // when the failed one is resent it is pending again, with no attempts
      expect(await store().outbox.resend(failed.id)).to.deep.equal(failed);
      expect((await store().outbox.list('pending', 10)).map((message) => message.id)).to.deep.equal([failed.id, pending.id]);
      // and a sent or unknown one cannot be resent
      expect(await rejectionOf(store().outbox.resend(sent.id))).to.have.property('code', 'CONFLICT');
      expect(await rejectionOf(store().outbox.resend('missing'))).to.be.instanceOf(NotFoundError);
    });

    it('refuses to mark an unknown message', async () => {
      // given an empty store
      // when unknown ids are marked
      // then each is NotFound
      expect(await rejectionOf(store().outbox.markSent('missing', new Date()))).to.be.instanceOf(NotFoundError);
      expect(await rejectionOf(store().outbox.markFailed('missing', 'x'))).to.be.instanceOf(NotFoundError);
    });
  });
}
