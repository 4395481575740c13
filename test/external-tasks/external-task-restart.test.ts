import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import type { TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const CREDIT_CHECK = readFileSync(new URL('../fixtures/camunda7/credit-check.bpmn', import.meta.url), 'utf8');
const TOPICS = [{ topicName: 'credit-score', lockDuration: 300_000 }];

/** Locks are rows: a restart keeps who holds a task, and the holder completes it afterwards. */
describe('External task locks across a restart', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(() => {
    baton = server.baton;
  });

  it('keeps the lock, refuses other workers, and lets the holder complete after the restart', async () => {
    // given a task locked by w1
    await baton.definitions.deploy(CREDIT_CHECK);
    const { instance } = await baton.instances.start({ processKey: 'creditCheck', variables: { customerId: 'C-7' }, businessKey: null }, 'api');
    const [task] = await baton.externalTasks.fetchAndLock({ workerId: 'w1', maxTasks: 1, topics: TOPICS, asyncResponseTimeout: 0 });
    expect(task).to.not.equal(undefined);
    // when Baton restarts
    baton = await baton.restart();
    // then another worker gets nothing while the lock holds
    expect(await baton.externalTasks.fetchAndLock({ workerId: 'w2', maxTasks: 1, topics: TOPICS, asyncResponseTimeout: 0 })).to.deep.equal([]);
    // and the holder completes it
    await baton.externalTasks.complete(task!.id, 'w1', { score: 650 });
    expect((await baton.instances.get(instance.id)).status).to.equal('completed');
    // once the lock has run out (reverse path), it would have been free for others: a new task shows it
    const second = await baton.instances.start({ processKey: 'creditCheck', variables: { customerId: 'C-8' }, businessKey: null }, 'api');
    const [locked] = await baton.externalTasks.fetchAndLock({ workerId: 'w1', maxTasks: 1, topics: TOPICS, asyncResponseTimeout: 0 });
    baton.clock.advance(300_000);
    const [taken] = await baton.externalTasks.fetchAndLock({ workerId: 'w2', maxTasks: 1, topics: TOPICS, asyncResponseTimeout: 0 });
    expect(taken?.id).to.equal(locked?.id);
    expect(taken?.processInstanceId).to.equal(second.instance.id);
  });
});
