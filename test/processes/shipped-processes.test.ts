import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { verifyChain } from '../../server/audit/audit-chain.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import type { TestBaton } from '../support/harness.js';
import { refundEndpoint, type RefundEndpoint } from '../support/refund-endpoint.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;
const processesDir = path.resolve('processes');

/**
 * Every shipped process runs end to end twice: once in one Baton, once with a restart before
 * every step, so each step recovers the instance from SQLite into a new engine.
 */
for (const restartBetweenSteps of [false, true]) {
  describe(`Shipped processes${restartBetweenSteps ? ' (restart before every step)' : ''}`, () => {
    const server = useTestServer();
    let baton: TestBaton;
    let endpoint: RefundEndpoint;

    beforeEach(async () => {
      baton = server.baton;
      const results = await baton.deployDirectory(processesDir);
      expect(results.filter((result) => result.error)).to.deep.equal([]);
      endpoint = await refundEndpoint();
    });

    afterEach(async () => {
      await endpoint.close();
    });

    async function step(): Promise<void> {
      if (restartBetweenSteps) baton = await baton.restart();
    }

    async function openTask(instanceId: string, elementId: string): Promise<TaskRecord> {
      const open = await baton.tasks.list({ instanceId, status: 'open' });
      const task = open.find((candidate) => candidate.elementId === elementId);
      expect(task, `open task ${elementId} among ${open.map((t) => t.elementId).join(', ')}`).to.not.equal(undefined);
      return task!;
    }

    async function complete(instanceId: string, elementId: string, variables: Record<string, unknown>): Promise<TaskRecord> {
      await step();
      const task = await openTask(instanceId, elementId);
      await baton.tasks.complete(task.id, variables, 'staff');
      return task;
    }

    async function advance(ms: number): Promise<number> {
      await step();
      baton.clock.advance(ms);
      return baton.scheduler.tick();
    }

    async function finished(instanceId: string): Promise<void> {
      const view = await baton.instances.get(instanceId);
      expect(view.status).to.equal('completed');
      expect(view.openTasks).to.deep.equal([]);
      expect(view.timers).to.deep.equal([]);
      expect(view.incidents.filter((incident) => incident.status === 'open')).to.deep.equal([]);
      expect(verifyChain(await baton.store.audit.forInstance(instanceId))).to.equal(null);
      const tasks = await baton.tasks.list({ instanceId });
      expect(new Set(tasks.map((task) => task.id)).size).to.equal(tasks.length);
    }

    it('help desk: first line resolves the request and the customer is told', async () => {
      const { instance, opened } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
      expect(instance.ticketNumber).to.match(/^HD-\d{6}$/);
      expect(opened.map((task) => [task.elementId, task.department, task.formKey])).to.deep.equal([['Task_first_line', 'first-line', 'first-line-triage']]);
      await complete(instance.id, 'Task_first_line', { resolved: true });
      await finished(instance.id);
      const outbox = await baton.store.outbox.forInstance(instance.id);
      expect(outbox.map((message) => message.payload['to'])).to.deep.equal(['eva@example.com']);
    });

    it('help desk: the escalation pyramid — warned at 16 h, escalated at 20 h, passed up, resolved at L3', async () => {
      const { instance } = await baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: 'call-42' }, 'api');
      await complete(instance.id, 'Task_first_line', { resolved: false });
      const l1 = await openTask(instance.id, 'Task_L1');
      expect(l1.department).to.equal('l1');
      // 16 h: the owner is warned, the task stays with L1
      expect(await advance(16 * HOUR + 1000)).to.equal(1);
      await openTask(instance.id, 'Task_L1');
      // 20 h: L1's task is cancelled and L2's opens
      expect(await advance(4 * HOUR)).to.equal(1);
      expect((await baton.tasks.get(l1.id)).status).to.equal('cancelled');
      // L2 passes it up; L3 resolves it
      await complete(instance.id, 'Task_L2', { resolved: false });
      await complete(instance.id, 'Task_L3', { resolved: true });
      await finished(instance.id);
      const trail = await baton.store.audit.forInstance(instance.id);
      expect(trail.filter((event) => event.type === 'timer.fired').map((event) => event.elementId)).to.deep.equal(['Timer_L1_warn', 'Timer_L1_escalate']);
    });

    it('payment incident: refund requested by webhook, confirmed by message, customer told', async () => {
      const { instance } = await baton.instances.start(
        {
          processKey: 'payment-incident',
          variables: { customerEmail: 'li@example.com', refundWebhookUrl: endpoint.url, bookingReference: 'BK-9' },
          businessKey: 'charge-77',
        },
        'api',
      );
      expect(instance.ticketNumber).to.match(/^PAY-\d{6}$/);
      await complete(instance.id, 'Task_check_charge_and_booking', { outcome: 'refund' });
      expect(endpoint.calls).to.equal(1);
      // two days without confirmation: the provider is chased, then waiting starts again
      expect(await advance(48 * HOUR + 1000)).to.equal(1);
      await complete(instance.id, 'Task_chase_payment_provider', {});
      await step();
      const result = await baton.messages.correlate({ name: 'refund-confirmed', businessKey: 'charge-77', variables: { refundId: 'R-1' } }, 'provider');
      expect(result.correlated.map((entry) => entry.instanceId)).to.deep.equal([instance.id]);
      await finished(instance.id);
      const view = await baton.instances.get(instance.id);
      expect(view.variables).to.include({ refundId: 'R-1', outcome: 'refund' });
    });

    it('payment incident: the booking was bound after all', async () => {
      const { instance } = await baton.instances.start(
        { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', refundWebhookUrl: endpoint.url, bookingReference: 'BK-1' }, businessKey: null },
        'api',
      );
      await complete(instance.id, 'Task_check_charge_and_booking', { outcome: 'investigate' });
      await complete(instance.id, 'Task_investigate_with_bank', {});
      await complete(instance.id, 'Task_check_charge_and_booking', { outcome: 'bound' });
      await finished(instance.id);
      expect(endpoint.calls).to.equal(0);
    });

    it('field service: dispatch, overdue visit rescheduled, parts ordered, fixed, invoiced, feedback asked', async () => {
      const { instance } = await baton.instances.start({ processKey: 'field-service', variables: { customerEmail: 'max@example.com', equipmentId: 'PUMP-3' }, businessKey: null }, 'api');
      expect(instance.ticketNumber).to.match(/^FS-\d{6}$/);
      await complete(instance.id, 'Task_dispatch_technician', { technician: 'tom' });
      // the customer's answer (its department is `customer`: the status page shows it as a form)
      expect((await complete(instance.id, 'Task_plate_photo', {})).department).to.equal('customer');
      expect((await openTask(instance.id, 'Task_visit_and_repair')).assignee).to.equal('tom');
      expect(await advance(24 * HOUR + 1000)).to.equal(1);
      await complete(instance.id, 'Task_reschedule_visit', { technician: 'tina' });
      expect((await openTask(instance.id, 'Task_visit_and_repair')).assignee).to.equal('tina');
      await complete(instance.id, 'Task_visit_and_repair', { fixed: false });
      await complete(instance.id, 'Task_order_parts', {});
      await complete(instance.id, 'Task_visit_and_repair', { fixed: true });
      await finished(instance.id);
      const outbox = await baton.store.outbox.forInstance(instance.id);
      expect(outbox).to.have.length(2);
    });
  });
}

describe('Shipped diagrams', () => {
  it('each carries a complete diagram layout', () => {
    for (const file of ['helpdesk-escalation.bpmn', 'payment-incident.bpmn', 'field-service.bpmn']) {
      const xml = readFileSync(path.join(processesDir, file), 'utf8');
      expect(xml, file).to.contain('bpmndi:BPMNDiagram');
      expect(xml, file).to.contain('bpmndi:BPMNEdge');
    }
  });
});
