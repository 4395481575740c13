import { expect } from 'chai';
import { pino } from 'pino';

import { parseSource } from '../../server/engine/bpmn-source.js';
import { ConnectorRegistry } from '../../server/engine/connectors/connector-registry.js';
import { estimateBytes, ResidentEngines } from '../../server/engine/resident-engines.js';
import { StepRun } from '../../server/engine/step-run.js';
import { ManualClock } from '../../server/clock.js';
import { bpmn } from '../support/harness.js';

const XML = bpmn(
  'parked',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

describe('ResidentEngines', () => {
  const deps = { clock: new ManualClock(), connectors: new ConnectorRegistry(), logger: pino({ level: 'silent' }) };

  async function waitingRun(instanceId: string): Promise<StepRun> {
    const run = new StepRun({ instanceId, ticketNumber: 'T-1', source: await parseSource(XML) }, deps);
    await run.start({});
    run.suspend();
    return run;
  }

  it('hands a parked engine back only for the version and definition it committed, once', async () => {
    // given an engine parked at version 1 of definition d1
    const engines = new ResidentEngines({ maxEngines: 10, maxBytes: 1e9 });
    const run = await waitingRun('a');
    engines.park('a', run, 1, 'd1');
    // when the next step asks for version 2 (another node wrote), then it gets nothing, and the engine is gone
    expect(engines.take('a', 2, 'd1')).to.equal(null);
    expect(engines.size).to.equal(0);
    // and when parked again and asked for the right version it comes back exactly once
    engines.park('a', run, 1, 'd1');
    expect(engines.take('a', 1, 'd2')).to.equal(null);
    engines.park('a', run, 1, 'd1');
    expect(engines.take('a', 1, 'd1')).to.equal(run);
    expect(engines.take('a', 1, 'd1')).to.equal(null);
    expect(engines.hits).to.equal(1);
  });

  it('keeps at most maxEngines, dropping the least recently used, and stays within maxBytes', async () => {
    // given room for two engines
    const engines = new ResidentEngines({ maxEngines: 2, maxBytes: 1e9 });
    const [a, b, c] = [await waitingRun('a'), await waitingRun('b'), await waitingRun('c')];
    // when three park, a being used again before c arrives
    engines.park('a', a, 1, 'd');
    engines.park('b', b, 1, 'd');
    engines.park('a', engines.take('a', 1, 'd')!, 2, 'd');
    engines.park('c', c, 1, 'd');
    // then b, the least recently used, was dropped
    expect(engines.size).to.equal(2);
    expect(engines.take('b', 1, 'd')).to.equal(null);
    expect(engines.take('a', 2, 'd')).to.equal(a);
    // and a byte bound of one engine keeps one
    const small = new ResidentEngines({ maxEngines: 10, maxBytes: estimateBytes(a.source) });
    small.park('a', a, 1, 'd');
    small.park('b', b, 1, 'd');
    expect(small.size).to.equal(1);
    expect(small.estimatedBytes).to.be.at.most(estimateBytes(a.source));
  });

  it('never parks an engine that ended or failed, and keeps none when turned off', async () => {
    // given a run whose process ended
    const ended = await waitingRun('e');
    await ended.signal(ended.waitingAll()[0]!.executionId, {});
    const engines = new ResidentEngines({ maxEngines: 10, maxBytes: 1e9 });
    // when it is parked, then it is not kept
    engines.park('e', ended, 3, 'd');
    expect(engines.size).to.equal(0);
    // and with residency off nothing is kept
    const off = new ResidentEngines({ maxEngines: 0, maxBytes: 0 });
    off.park('a', await waitingRun('a'), 1, 'd');
    expect(off.size).to.equal(0);
  });

  it('follows an engine-less change (a claim) with the version it committed', async () => {
    // given an engine parked at version 4
    const engines = new ResidentEngines({ maxEngines: 10, maxBytes: 1e9 });
    const run = await waitingRun('a');
    engines.park('a', run, 4, 'd');
    // when a task amendment commits 5 on top of 4, and an unrelated retag names another base
    engines.retag('a', 4, 5);
    engines.retag('a', 9, 10);
    // then the engine continues version 5
    expect(engines.take('a', 5, 'd')).to.equal(run);
  });
});
