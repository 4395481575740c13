import { expect } from 'chai';

import type { InstanceFilter } from '../../server/instances/instance.js';
import { isoAt, makeAuditEvent, makeInstance, makeTask, newInstanceStep, nextStep, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

/**
 * The service desk's searches over InstanceStore.list: `touchedBy` (every ticket a person or
 * their departments ever touched: tasks' departments, owners, completers, owner chains, audit
 * actors) and `text` (ticket number, variables, notes and conversation), and a status link that
 * replaces the ticket's previous one.
 */
export function ticketSearchContract(open: OpenStore, close: CloseStore): void {
  describe('ticket search contract (InstanceStore.list touchedBy / text)', () => {
    const store = useFreshStore(open, close);

    async function seed() {
      // A: routed to first-line, handed over by lina to l2 (its chain remembers both)
      const a = makeInstance({ ticketNumber: 'HD-000001', variables: { customerEmail: 'ada@example.com', problem: 'Printer 100% broken' } });
      const handed = makeTask(a, {
        department: 'l2',
        history: [
          { action: 'routed', at: isoAt(1), by: 'system', department: 'first-line', assignee: null, reason: null },
          { action: 'handed-over', at: isoAt(2), by: 'lina', department: 'l2', assignee: null, reason: 'print server' },
        ],
      });
      await store().commitStep(
        newInstanceStep(a, { tasks: [handed], audit: [makeAuditEvent(a, 1, { type: 'task.commented', actor: 'lina', data: { taskId: handed.id, comment: 'Customer sounds ANGRY' } })] }),
      );
      // B: payments only, completed by paula
      const b = makeInstance({ ticketNumber: 'PI-000001', variables: { customerPhone: '+7 900 123-45-67' } });
      const paid = makeTask(b, {
        department: 'payments',
        status: 'completed',
        completedBy: 'paula',
        history: [{ action: 'routed', at: isoAt(1), by: 'system', department: 'payments', assignee: null, reason: null }],
      });
      await store().commitStep(newInstanceStep(b, { tasks: [paid], audit: [makeAuditEvent(b, 1, { type: 'activity.entered', data: { note: 'angry in an engine event' } })] }));
      // C: no task, started by ivan
      const c = makeInstance({ ticketNumber: 'HD-000002', variables: { customerEmail: 'bo_b@example.com' } });
      await store().commitStep(newInstanceStep(c, { audit: [makeAuditEvent(c, 1, { type: 'instance.started', actor: 'ivan' })] }));
      return { a, b, c };
    }

    const ids = async (filter: InstanceFilter) => (await store().instances.list(filter)).map((instance) => instance.id).sort();

    it('finds what a person or their departments touched, through the owner chain and the audit actors', async () => {
      const { a, b, c } = await seed();
      expect(await ids({ touchedBy: { username: 'zed', departments: ['first-line'] } })).to.deep.equal([a.id]);
      expect(await ids({ touchedBy: { username: 'zed', departments: ['l2'] } })).to.deep.equal([a.id]);
      expect(await ids({ touchedBy: { username: 'lina', departments: [] } })).to.deep.equal([a.id]);
      expect(await ids({ touchedBy: { username: 'paula', departments: [] } })).to.deep.equal([b.id]);
      expect(await ids({ touchedBy: { username: 'ivan', departments: [] } })).to.deep.equal([c.id]);
      expect(await ids({ touchedBy: { username: 'zed', departments: ['payments', 'first-line'] } })).to.deep.equal([a.id, b.id].sort());
      // a department that never touched a ticket finds none
      expect(await ids({ touchedBy: { username: 'nobody', departments: ['billing'] } })).to.deep.equal([]);
      // and the rule narrows other filters
      expect(await ids({ touchedBy: { username: 'zed', departments: ['payments'] }, ticketNumber: 'HD-000001' })).to.deep.equal([]);
    });

    it('finds by ticket number, variables and notes, case-insensitively, wildcards taken literally', async () => {
      const { a, b, c } = await seed();
      expect(await ids({ text: 'hd-000002' })).to.deep.equal([c.id]);
      expect(await ids({ text: 'ADA@example' })).to.deep.equal([a.id]);
      expect(await ids({ text: '123-45-67' })).to.deep.equal([b.id]);
      expect(await ids({ text: 'sounds angry' })).to.deep.equal([a.id]);
      expect(await ids({ text: '100%' })).to.deep.equal([a.id]);
      expect(await ids({ text: '%' })).to.deep.equal([a.id]);
      expect(await ids({ text: 'o_b' })).to.deep.equal([c.id]);
      expect(await ids({ text: 'x_y' })).to.deep.equal([]);
      expect(await ids({ text: 'example.com', touchedBy: { username: 'ivan', departments: [] } })).to.deep.equal([c.id]);
    });

    it("replaces a ticket's status link with a new one written by a later step", async () => {
      // given a ticket whose second step wrote its status link
      const started = await startInstance(store());
      const first = { tokenHash: 'd'.repeat(64), instanceId: started.id, createdAt: isoAt(0), expiresAt: isoAt(60) };
      await store().commitStep(nextStep(started, { ticketAccess: first }));
      // when a later step writes a new link (the customer looked the ticket up again)
      const second = { tokenHash: 'e'.repeat(64), instanceId: started.id, createdAt: isoAt(5), expiresAt: isoAt(65) };
      await store().commitStep(nextStep({ ...started, version: started.version + 1 }, { ticketAccess: second }));
      // then the new link opens the ticket and the old one nothing
      expect(await store().customer.ticketByHash(second.tokenHash)).to.deep.equal(second);
      expect(await store().customer.ticketByHash(first.tokenHash)).to.equal(null);
    });
  });
}
