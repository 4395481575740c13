import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { GENESIS_HASH } from '../../server/audit/audit-chain.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import type { TimerRecord } from '../../server/timers/timer.js';
import type { TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const HOUR = 3600_000;

interface Golden {
  instance: InstanceRecord;
  timers: TimerRecord[];
  /** Saved before tasks had a version, an owner chain, a routing reason and a form. */
  tasks: Omit<TaskRecord, 'version' | 'history' | 'routingReason' | 'form'>[];
}

/**
 * States saved by an earlier bpmn-engine must still recover. When an upgrade breaks one of these,
 * the upgrade needs a state migration before it ships.
 */
describe('Golden saved states', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.deployDirectory('processes');
  });

  it('continues a help-desk ticket saved by bpmn-engine 25.0.1 at L1 with its SLA timers', async () => {
    // given the golden state stored as it was saved
    const golden = JSON.parse(readFileSync('test/fixtures/states/helpdesk-at-l1.bpmn-engine-25.0.1.json', 'utf8')) as Golden;
    expect(golden.instance.engineVersion).to.equal('25.0.1');
    const instance: InstanceRecord = { ...golden.instance, version: 1, auditHead: { seq: 0, hash: GENESIS_HASH } };
    await baton.store.commitStep({
      instance,
      expectedVersion: null,
      // Fields added after the fixture was saved take the defaults their migration gives old rows.
      tasks: golden.tasks.map((task) => ({ version: 1, history: [], routingReason: null, form: null, ...task })),
      audit: [],
      timers: golden.timers.map((timer) => ({ ...timer, dueAt: new Date(baton.clock.now().getTime() + (timer.elementId.endsWith('warn') ? 16 : 20) * HOUR).toISOString() })),
      subscriptions: [],
      incidents: [],
      outbox: [],
    });
    // when its 20 h escalation falls due
    baton.clock.advance(20 * HOUR + 1000);
    await baton.scheduler.tick();
    // then it moved to L2 as a live ticket would, and finishes from there
    const [l2] = await baton.tasks.list({ instanceId: instance.id, status: 'open' });
    expect(l2?.elementId).to.equal('Task_L2');
    await baton.tasks.complete(l2!.id, { resolved: true }, 'staff');
    expect((await baton.instances.get(instance.id)).status).to.equal('completed');
  });
});
