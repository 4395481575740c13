import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { BatonError, DeployValidationError } from '../../server/errors.js';
import type { TestBaton } from '../support/harness.js';
import { miwgFiles, miwgPath } from '../support/miwg.js';
import { useTestServer } from '../support/test-server.js';

/**
 * The OMG MIWG reference diagrams, deployed and run where they are executable: each either
 * deploys and runs to its end (tasks completed, workers answered, messages delivered, timers let
 * pass), or is refused with reasons that name what Baton will not run. Never an unexplained error.
 */
describe('MIWG reference diagrams: deploy and run', () => {
  const server = useTestServer({ scope: 'all' });
  let baton: TestBaton;

  before(() => {
    baton = server.baton;
  });

  /** Moves an instance on until it ends or nothing more can move it (at most `rounds` passes). */
  async function drive(instanceId: string, rounds = 20): Promise<string> {
    for (let round = 0; round < rounds; round++) {
      const view = await baton.instances.get(instanceId);
      if (view.status !== 'running') return view.status;
      let moved = false;
      for (const task of view.openTasks) {
        await baton.tasks.complete(task.id, {}, 'miwg');
        moved = true;
      }
      const jobs = await baton.externalTasks
        .fetchAndLock({
          workerId: 'miwg',
          maxTasks: 10,
          topics: [...new Set((await baton.store.externalTasks.forInstance(instanceId)).filter((t) => t.status === 'open').map((t) => t.topic))].map((topicName) => ({
            topicName,
            lockDuration: 60_000,
          })),
          asyncResponseTimeout: 0,
        })
        .catch(() => []);
      for (const job of jobs) {
        await baton.externalTasks.complete(job.id, 'miwg', {});
        moved = true;
      }
      if (moved) continue;
      // Nothing for people or workers: let its earliest timer pass.
      const timers = (await baton.instances.get(instanceId)).timers.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
      if (timers.length === 0) return 'stuck';
      baton.clock.set(new Date(Date.parse(timers[0]!.dueAt) + 1000));
      await baton.scheduler.tick();
    }
    return (await baton.instances.get(instanceId)).status;
  }

  const completed: string[] = [];

  for (const file of miwgFiles()) {
    it(`${file}: runs to its end, or is refused naming what Baton will not run`, async () => {
      const xml = readFileSync(miwgPath(file), 'utf8');
      let deployed;
      try {
        deployed = await baton.definitions.deploy(xml);
      } catch (err) {
        // A refusal is a diagram problem with reasons, never a crash.
        expect(err).to.be.instanceOf(DeployValidationError);
        const issues = (err as BatonError).issues;
        expect(issues.length).to.be.greaterThan(0);
        for (const issue of issues) expect(issue.message).to.match(/\w{3,}/);
        return;
      }
      const { instance } = await baton.instances.start({ processKey: deployed.definition.key, variables: {}, businessKey: `miwg-${file}` }, 'miwg');
      expect(await drive(instance.id)).to.equal('completed');
      completed.push(file);
    });
  }

  it('ran the executable reference diagram (C.9.1: external send tasks, a receive task with timers) to its end', () => {
    expect(completed).to.include('C.9.1.bpmn');
  });
});
