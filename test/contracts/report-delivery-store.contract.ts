import { expect } from 'chai';

import type { ReportDelivery, ReportDeliveryStore, ReportMail } from '../../server/analytics/report-delivery.store.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

const delivery = (overrides: Partial<ReportDelivery> = {}): ReportDelivery => ({
  departmentId: 'l1',
  enabled: true,
  timeZone: 'Europe/Moscow',
  hour: 8,
  lang: 'ru',
  recipients: ['head@example.com'],
  nextDueAt: '2026-12-01T05:00:00.000Z',
  updatedAt: '2026-11-20T12:00:00.000Z',
  ...overrides,
});

const mail = (id: string, recipient: string): ReportMail => ({
  id,
  departmentId: 'l1',
  month: '2026-11',
  recipient,
  subject: 's',
  body: 'b',
  createdAt: '2026-12-01T05:00:00.000Z',
  sentAt: null,
  attempts: 0,
  lastError: null,
});

export function reportDeliveryStoreContract(open: OpenStore, close: CloseStore): void {
  describe('ReportDeliveryStore contract', () => {
    const store = useFreshStore(open, close);
    const port = (): ReportDeliveryStore => {
      const deliveries = store().reportDeliveries;
      if (!deliveries) throw new Error('this store has no report delivery port');
      return deliveries;
    };

    it('reads back a delivery, lists the due ones only when enabled and due', async () => {
      await port().put(delivery());
      await port().put(delivery({ departmentId: 'l2', enabled: false }));
      expect(await port().get('l1')).to.deep.equal(delivery());
      expect(await port().due('2026-12-01T04:59:59.999Z', 10)).to.deep.equal([]);
      expect((await port().due('2026-12-01T05:00:00.000Z', 10)).map((d) => d.departmentId)).to.deep.equal(['l1']);
    });

    it('queues a month once: the second deliver of the same due time is refused and queues nothing', async () => {
      await port().put(delivery());
      expect(await port().deliver('l1', '2026-12-01T05:00:00.000Z', '2027-01-01T05:00:00.000Z', [mail('m1', 'head@example.com')])).to.equal(true);
      expect(await port().deliver('l1', '2026-12-01T05:00:00.000Z', '2027-01-01T05:00:00.000Z', [mail('m2', 'head@example.com')])).to.equal(false);
      expect((await port().mailFor('l1')).map((m) => m.id)).to.deep.equal(['m1']);
      expect((await port().get('l1'))!.nextDueAt).to.equal('2027-01-01T05:00:00.000Z');
    });

    it('hands out unsent mail until sent, counting failed attempts', async () => {
      await port().put(delivery());
      await port().deliver('l1', '2026-12-01T05:00:00.000Z', '2027-01-01T05:00:00.000Z', [mail('m1', 'a@example.com'), mail('m2', 'b@example.com')]);
      await port().markFailed('m1', 'refused');
      await port().markSent('m2', '2026-12-01T05:00:01.000Z');
      expect((await port().pendingMail(10, 5)).map((m) => [m.id, m.attempts, m.lastError])).to.deep.equal([['m1', 1, 'refused']]);
      expect(await port().pendingMail(10, 1)).to.deep.equal([]);
    });
  });
}
