import path from 'node:path';

import { expect } from 'chai';

import type { InstanceView } from '../../server/instances/instance.service.js';
import type { InterventionPreview } from '../../server/instances/intervention.js';
import type { IncidentGroup, RetryOutcome } from '../../server/operations/operations.service.js';
import { addUser } from '../support/harness.js';
import { refundEndpoint } from '../support/refund-endpoint.js';
import { useTestServer } from '../support/test-server.js';

interface MoveAnswer {
  dryRun: boolean;
  preview: InterventionPreview;
  instance: InstanceView | null;
}

describe('Interventions (API)', () => {
  const server = useTestServer();

  beforeEach(async () => {
    expect((await server.baton.deployDirectory(path.resolve('processes'))).filter((result) => result.error)).to.deep.equal([]);
  });

  async function startHelpDesk(): Promise<string> {
    const { instance } = await server.baton.instances.start({ processKey: 'helpdesk-escalation', variables: { customerEmail: 'eva@example.com' }, businessKey: null }, 'api');
    return instance.id;
  }

  async function completeOpen(instanceId: string, elementId: string, variables: Record<string, unknown>): Promise<void> {
    const task = (await server.baton.tasks.list({ instanceId, status: 'open' })).find((candidate) => candidate.elementId === elementId);
    expect(task, `open task ${elementId}`).to.not.equal(undefined);
    await server.baton.tasks.complete(task!.id, variables, 'staff');
  }

  async function openElements(instanceId: string): Promise<string[]> {
    return (await server.baton.tasks.list({ instanceId, status: 'open' })).map((task) => task.elementId);
  }

  describe('a stuck payment incident (started without its webhook URL)', () => {
    it('is repaired by a variable edit, then a retry of its cause', async () => {
      const refunds = await refundEndpoint();
      try {
        // given a payment incident whose refund request fails: no refundWebhookUrl was given
        const { instance } = await server.baton.instances.start(
          { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', bookingReference: 'BK-1' }, businessKey: 'charge-1' },
          'api',
        );
        await completeOpen(instance.id, 'Task_check_charge_and_booking', { outcome: 'refund' });
        const groups = (await server.http.request('GET', '/api/incidents')).body as IncidentGroup[];
        expect(groups).to.have.length(1);
        expect(groups[0]).to.deep.include({ elementId: 'Task_request_refund', kind: 'service', count: 1 });
        // and a retry alone fails again
        const again = await server.http.request('POST', '/api/incidents/retry', { cause: groups[0]!.cause, reason: 'try again' });
        expect(again.status).to.equal(200);
        expect((again.body as { results: RetryOutcome[] }).results[0]).to.deep.include({ resolved: false });

        // when an admin sets the URL (with the version they saw) and retries the cause
        const before = (await server.http.request('GET', `/api/instances/${instance.id}`)).body as InstanceView;
        const edit = await server.http.request('PATCH', `/api/instances/${instance.id}/variables`, {
          set: { refundWebhookUrl: refunds.url },
          reason: 'the shop forgot the webhook URL',
          version: before.version,
        });
        expect(edit.status, edit.text).to.equal(200);
        expect((edit.body as InstanceView).variables).to.deep.include({ refundWebhookUrl: refunds.url });
        const retry = await server.http.request('POST', '/api/incidents/retry', { cause: groups[0]!.cause, reason: 'URL fixed' });

        // then the refund was requested, the incident is resolved and the ticket waits for the confirmation
        expect((retry.body as { results: RetryOutcome[] }).results).to.deep.equal([{ incidentId: groups[0]!.incidents[0]!.id, instanceId: instance.id, resolved: true, error: null }]);
        expect(refunds.calls).to.equal(1);
        const after = (await server.http.request('GET', `/api/instances/${instance.id}`)).body as InstanceView;
        expect(after.incidents.map((incident) => incident.status)).to.deep.equal(['resolved']);
        expect((await server.http.request('GET', '/api/incidents')).body).to.deep.equal([]);
        // and the trail names the operator, the reason and marks both as interventions, still verifying
        const trail = await server.baton.store.audit.forInstance(instance.id);
        const edited = trail.find((event) => event.type === 'instance.variables-edited');
        expect(edited).to.deep.include({ actor: 'admin' });
        expect(edited?.data).to.deep.include({ reason: 'the shop forgot the webhook URL', intervention: true });
        expect(trail.filter((event) => event.type === 'incident.retried').map((event) => event.data['intervention'])).to.deep.equal([true, true]);
        expect((await server.http.request('GET', `/api/instances/${instance.id}/audit/verify`)).body).to.deep.include({ valid: true });
      } finally {
        await refunds.close();
      }
    });
  });

  describe('guards', () => {
    it('refuses a variable edit without a reason (400) or at a stale version (409), and changes nothing', async () => {
      const id = await startHelpDesk();
      const before = await server.baton.store.instances.get(id);
      const noReason = await server.http.request('PATCH', `/api/instances/${id}/variables`, { set: { priority: 'high' } });
      expect(noReason.status).to.equal(400);
      expect(noReason.text).to.match(/reason/);
      const stale = await server.http.request('PATCH', `/api/instances/${id}/variables`, { set: { priority: 'high' }, reason: 'r', version: before!.version - 1 });
      expect(stale.status).to.equal(409);
      expect((stale.body as { error: { code: string } }).error.code).to.equal('VERSION_CONFLICT');
      const moveNoReason = await server.http.request('POST', `/api/instances/${id}/move`, { from: 'Task_first_line', to: 'Task_L1' });
      expect(moveNoReason.status).to.equal(400);
      expect(await server.baton.store.instances.get(id)).to.deep.equal(before);
    });

    it('lets a process owner act on the processes of their department only, and staff not at all', async () => {
      // given an owner of head-of-service (the help desk routes to it) and a payment incident they do not own
      await addUser(server.baton, 'olga', 'process-owner', ['head-of-service']);
      await addUser(server.baton, 'sam', 'staff', ['first-line']);
      const olga = await server.http.as('olga');
      const sam = await server.http.as('sam');
      const helpDesk = await startHelpDesk();
      const { instance: payment } = await server.baton.instances.start(
        { processKey: 'payment-incident', variables: { customerEmail: 'li@example.com', bookingReference: 'BK-2', refundWebhookUrl: 'http://127.0.0.1:9/x' }, businessKey: null },
        'api',
      );
      const before = await server.baton.store.instances.get(payment.id);
      // when each edits a variable
      const own = await olga.request('PATCH', `/api/instances/${helpDesk}/variables`, { set: { priority: 'high' }, reason: 'customer is a VIP' });
      const other = await olga.request('PATCH', `/api/instances/${payment.id}/variables`, { set: { priority: 'high' }, reason: 'r' });
      const staff = await sam.request('PATCH', `/api/instances/${helpDesk}/variables`, { set: { priority: 'low' }, reason: 'r' });
      // then the owner's own process changes, the other is 403 and unchanged, staff are 403
      expect(own.status, own.text).to.equal(200);
      expect(other.status).to.equal(403);
      expect(staff.status).to.equal(403);
      expect(await server.baton.store.instances.get(payment.id)).to.deep.equal(before);
      const migrate = await olga.request('POST', '/api/migrations', { processKey: 'payment-incident', fromVersion: 1, toVersion: 2, reason: 'r' });
      expect(migrate.status).to.be.oneOf([403, 404]);
    });
  });

  describe('move', () => {
    it('moves the token from L1 to L3: the dry run lists what the move then does', async () => {
      // given a ticket at L1 with its SLA timers
      const id = await startHelpDesk();
      await completeOpen(id, 'Task_first_line', { resolved: false });
      expect(await openElements(id)).to.deep.equal(['Task_L1']);
      const before = await server.baton.store.instances.get(id);
      // when an admin asks for a dry run
      const dry = (await server.http.request('POST', `/api/instances/${id}/move`, { from: 'Task_L1', to: 'Task_L3', reason: 'needs an expert', dryRun: true })).body as MoveAnswer;
      // then nothing changed, and it says what would happen
      expect(await server.baton.store.instances.get(id)).to.deep.equal(before);
      expect(dry.instance).to.equal(null);
      expect(dry.preview.tasksClosed.map((task) => task.elementId)).to.deep.equal(['Task_L1']);
      expect(dry.preview.tasksOpened.map((task) => task.elementId)).to.deep.equal(['Task_L3']);
      expect(dry.preview.timersArmed.map((timer) => timer.elementId).sort()).to.deep.equal(['Timer_L3_escalate', 'Timer_L3_warn']);
      expect(dry.preview.timersCancelled.map((timer) => timer.elementId).sort()).to.deep.equal(['Timer_L1_escalate', 'Timer_L1_warn']);
      expect(dry.preview.cancelled.map((token) => token.elementId)).to.include('Task_L1');

      // when it is done for real
      const done = (await server.http.request('POST', `/api/instances/${id}/move`, { from: 'Task_L1', to: 'Task_L3', reason: 'needs an expert' })).body as MoveAnswer;
      // then the same happened, and the ticket goes on from L3 to its end
      expect(done.preview).to.deep.equal(dry.preview);
      expect(await openElements(id)).to.deep.equal(['Task_L3']);
      expect((await server.baton.timers.list({ instanceId: id, limit: 100 })).map((timer) => timer.elementId).sort()).to.deep.equal(['Timer_L3_escalate', 'Timer_L3_warn']);
      await completeOpen(id, 'Task_L3', { resolved: true });
      expect((await server.baton.instances.get(id)).status).to.equal('completed');
      const moved = (await server.baton.store.audit.forInstance(id)).find((event) => event.type === 'instance.moved');
      expect(moved?.data).to.deep.equal({ from: 'Task_L1', to: 'Task_L3', reason: 'needs an expert', intervention: true });
      expect((await server.http.request('GET', `/api/instances/${id}/audit/verify`)).body).to.deep.include({ valid: true });
    });

    it('refuses a move from an activity without a token (409) and to an unknown activity, changing nothing', async () => {
      const id = await startHelpDesk();
      const before = await server.baton.store.instances.get(id);
      const nowhere = await server.http.request('POST', `/api/instances/${id}/move`, { from: 'Task_L2', to: 'Task_L3', reason: 'r' });
      expect(nowhere.status).to.equal(409);
      expect(nowhere.text).to.match(/No token waits at 'Task_L2'/);
      const unknown = await server.http.request('POST', `/api/instances/${id}/move`, { from: 'Task_first_line', to: 'Nope', reason: 'r' });
      expect(unknown.status).to.equal(409);
      expect(await server.baton.store.instances.get(id)).to.deep.equal(before);
    });
  });

  describe('timer cancel', () => {
    it('cancels the L1 escalation timer: the task stays, the warning stays, replay drops it; a reason is required', async () => {
      const id = await startHelpDesk();
      await completeOpen(id, 'Task_first_line', { resolved: false });
      const timers = await server.baton.timers.list({ instanceId: id, limit: 100 });
      const escalate = timers.find((timer) => timer.elementId === 'Timer_L1_escalate')!;
      expect((await server.http.request('POST', `/api/timers/${encodeURIComponent(escalate.id)}/cancel`, {})).status).to.equal(400);
      const res = await server.http.request('POST', `/api/timers/${encodeURIComponent(escalate.id)}/cancel`, { reason: 'customer on holiday, no escalation' });
      expect(res.status, res.text).to.equal(200);
      expect((await server.baton.timers.list({ instanceId: id, limit: 100 })).map((timer) => timer.elementId)).to.deep.equal(['Timer_L1_warn']);
      expect(await openElements(id)).to.deep.equal(['Task_L1']);
      const replay = (await server.http.request('GET', `/api/instances/${id}/replay`)).body as { state: { timers: { elementId: string }[] } };
      expect(replay.state.timers.map((timer) => timer.elementId)).to.deep.equal(['Timer_L1_warn']);
      const cancelled = (await server.baton.store.audit.forInstance(id)).find((event) => event.type === 'timer.cancelled');
      expect(cancelled?.data).to.deep.include({ reason: 'customer on holiday, no escalation', intervention: true });
      // cancelling it again is 404; the task still completes to the end
      expect((await server.http.request('POST', `/api/timers/${encodeURIComponent(escalate.id)}/cancel`, { reason: 'again' })).status).to.equal(404);
      await completeOpen(id, 'Task_L1', { resolved: true });
      expect((await server.baton.instances.get(id)).status).to.equal('completed');
    });
  });

  describe('restart', () => {
    it('starts a finished ticket again at an activity, with its variables; a running one is refused', async () => {
      const id = await startHelpDesk();
      const running = await server.http.request('POST', `/api/instances/${id}/restart`, { from: 'Task_L2', reason: 'r' });
      expect(running.status).to.equal(409);
      await completeOpen(id, 'Task_first_line', { resolved: true });
      expect((await server.baton.instances.get(id)).status).to.equal('completed');
      // when restarted at L2, first as a dry run
      const dry = (await server.http.request('POST', `/api/instances/${id}/restart`, { from: 'Task_L2', reason: 'the customer called back', dryRun: true })).body as MoveAnswer;
      expect((await server.baton.instances.get(id)).status).to.equal('completed');
      const done = (await server.http.request('POST', `/api/instances/${id}/restart`, { from: 'Task_L2', reason: 'the customer called back' })).body as MoveAnswer;
      // then it runs again at L2 with its SLA timers and its old variables
      expect(done.preview).to.deep.equal(dry.preview);
      expect(done.preview.tasksOpened.map((task) => task.elementId)).to.deep.equal(['Task_L2']);
      expect(done.instance).to.deep.include({ status: 'running', endedAt: null });
      expect(done.instance?.variables).to.deep.include({ customerEmail: 'eva@example.com', resolved: true });
      expect(await openElements(id)).to.deep.equal(['Task_L2']);
      await completeOpen(id, 'Task_L2', { resolved: true });
      expect((await server.baton.instances.get(id)).status).to.equal('completed');
    });
  });
});
