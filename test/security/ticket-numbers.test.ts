import { expect } from 'chai';

import { InvalidInputError } from '../../server/errors.js';
import { bpmn, removeDir, type TestBaton } from '../support/harness.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Starts straight into a gateway: without `secondLook` its condition fails and the start is refused (400). */
const GATED = bpmn(
  'gated',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="big" />
    <bpmn:exclusiveGateway id="big" default="small" />
    <bpmn:sequenceFlow id="large" sourceRef="big" targetRef="l2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${secondLook}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="big" targetRef="l1" />
    <bpmn:userTask id="l1" name="First look" camunda:candidateGroups="l1" />
    <bpmn:userTask id="l2" name="Second look" camunda:candidateGroups="l2" />`,
);

function seqOf(ticketNumber: string): number {
  return Number(ticketNumber.split('-').at(-1));
}

async function start(baton: TestBaton, ok: boolean): Promise<string | 'refused'> {
  try {
    const { instance } = await baton.instances.start({ processKey: 'gated', variables: ok ? { secondLook: false } : {}, businessKey: null }, 'api');
    return instance.ticketNumber;
  } catch (err) {
    if (err instanceof InvalidInputError) return 'refused';
    throw err;
  }
}

describe('Ticket numbers without gaps (hole 5)', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.close();
  });
  after(() => undefined);

  async function baton(dir?: string): Promise<TestBaton> {
    const opened = await startTestServer(dir ? { dir } : {});
    servers.push(opened);
    return opened.baton;
  }

  it('a refused start (400) burns no number', async () => {
    const b = await baton();
    await b.definitions.deploy(GATED);
    // when a start succeeds, one is refused, and another succeeds
    const answers = [await start(b, true), await start(b, false), await start(b, true)];
    // then the two tickets are consecutive
    expect(answers[1]).to.equal('refused');
    expect(seqOf(answers[0]!)).to.equal(1);
    expect(seqOf(answers[2]!)).to.equal(2);
    removeDir(b.dir);
  });

  it('30 concurrent starts, every third refused: the stored tickets are exactly 1..20', async () => {
    const b = await baton();
    await b.definitions.deploy(GATED);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => start(b, index % 3 !== 2)));
    const numbers = answers.filter((answer) => answer !== 'refused').map(seqOf);
    expect(answers.filter((answer) => answer === 'refused')).to.have.length(10);
    expect([...numbers].sort((a, c) => a - c)).to.deep.equal(Array.from({ length: 20 }, (_, index) => index + 1));
    const stored = (await b.store.instances.list({ limit: 500, offset: 0 })).map((instance) => seqOf(instance.ticketNumber));
    expect(stored.sort((a, c) => a - c)).to.deep.equal(Array.from({ length: 20 }, (_, index) => index + 1));
    removeDir(b.dir);
  });

  it('two Batons on one database, starting at once, share one gap-free sequence', async () => {
    const first = await baton();
    await first.definitions.deploy(GATED);
    const second = await baton(first.dir);
    // when both start 12 instances concurrently (each reserves from the counter it reads)
    const answers = await Promise.all([...Array.from({ length: 12 }, () => start(first, true)), ...Array.from({ length: 12 }, () => start(second, true))]);
    // then no number is given twice or skipped: the loser of a number starts again with the next
    expect(answers.map((answer) => seqOf(answer)).sort((a, c) => a - c)).to.deep.equal(Array.from({ length: 24 }, (_, index) => index + 1));
    removeDir(first.dir);
  });
});
