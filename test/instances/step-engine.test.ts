import { expect } from 'chai';

import { SourceCache } from '../../server/engine/bpmn-source.js';
import type { StepRun } from '../../server/engine/step-run.js';
import { ConflictError } from '../../server/errors.js';
import { InstanceRunner } from '../../server/instances/instance-runner.js';
import { StepEngine, type EngineEntry, type EngineSubject, type StepOutcome } from '../../server/instances/step-engine.js';
import { bpmn, removeDir, silentLogger, type TestBaton } from '../support/harness.js';
import { startTestServer } from '../support/test-server.js';

/** start → assess → a gateway whose condition needs `secondLook` → end. */
const GATED = bpmn(
  'gated-engine',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="assess" />
    <bpmn:userTask id="assess" name="Assess" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="assess" targetRef="big" />
    <bpmn:exclusiveGateway id="big" default="small" />
    <bpmn:sequenceFlow id="large" sourceRef="big" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${secondLook}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="small" sourceRef="big" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

/** The real StepEngine, noting what each step opened and how it was released (what a resident-engine cache relies on). */
class NotingEngine extends StepEngine {
  readonly opened: string[] = [];
  readonly released: StepOutcome[] = [];
  private readonly live = new Set<StepRun>();

  override async open(subject: EngineSubject, entry: EngineEntry): Promise<StepRun> {
    this.opened.push(`${entry.kind}@${subject.version ?? 'new'}`);
    const run = await super.open(subject, entry);
    this.live.add(run);
    return run;
  }

  override async release(run: StepRun, outcome: StepOutcome): Promise<void> {
    expect(this.live.delete(run), 'released once, after it was opened').to.equal(true);
    this.released.push(outcome);
    await super.release(run, outcome);
  }

  get unreleased(): number {
    return this.live.size;
  }
}

/** The stored definition (with its XML, which the runner parses). */
async function deployed(baton: TestBaton) {
  const { definition } = await baton.definitions.deploy(GATED);
  return (await baton.store.definitions.getById(definition.id))!;
}

describe('StepEngine: every step opens its engine there and releases it with its outcome', () => {
  let baton: TestBaton;
  let engine: NotingEngine;
  let runner: InstanceRunner;

  beforeEach(async () => {
    baton = (await startTestServer()).baton;
    engine = new NotingEngine({ clock: baton.clock, connectors: baton.connectors, logger: silentLogger });
    runner = new InstanceRunner({ store: baton.store, sources: new SourceCache(), clock: baton.clock, connectors: baton.connectors, logger: silentLogger, engine });
  });

  afterEach(async () => {
    await baton.close();
    removeDir(baton.dir);
  });

  it('a start and a completion are released as committed at the version they saved; a failed step, a dry run and a refused action as discarded', async () => {
    const definition = await deployed(baton);
    // given a started ticket (committed at version 1)
    const started = await runner.start(definition, { variables: {}, businessKey: null, actor: 'api' });
    const task = started.opened[0]!;
    // when its task is completed without the variable the gateway needs (an incident, nothing of the step kept)
    const failed = await runner.apply(started.instance.id, { kind: 'complete-task', taskId: task.id, output: {}, actor: 'alice' });
    expect(failed.incident).to.not.equal(null);
    // and an operator previews an intervention that changes nothing (a dry run)
    await runner.intervene(started.instance.id, { actor: 'op', audit: [], drive: async () => undefined, dryRun: true });
    // and a message nothing waits for is refused
    const refused = await runner.apply(started.instance.id, { kind: 'message', executionId: 'nothing', messageName: 'm', variables: {}, actor: 'api' }).catch((err: unknown) => err);
    expect(refused).to.be.instanceOf(ConflictError);
    // and the task is completed with the variable
    const done = await runner.apply(started.instance.id, { kind: 'complete-task', taskId: task.id, output: { secondLook: false }, actor: 'alice' });
    expect(done.instance.status).to.equal('completed');

    // then every engine opened was released once, with the outcome a cache needs
    expect(engine.unreleased).to.equal(0);
    expect(engine.opened).to.deep.equal(['start@new', 'resume@1', 'resume@2', 'resume@2', 'resume@2']);
    expect(engine.released).to.deep.equal([{ kind: 'committed', version: 1 }, { kind: 'discarded' }, { kind: 'discarded' }, { kind: 'discarded' }, { kind: 'committed', version: 3 }]);
  });

  it('a timer that is no longer pending is a noop that opens no engine at all', async () => {
    const definition = await deployed(baton);
    const started = await runner.start(definition, { variables: {}, businessKey: null, actor: 'api' });
    // given no timer pending, when the scheduler wakes the ticket for one, then the runner opens no engine
    await runner.apply(started.instance.id, { kind: 'timer', timerId: 'none' });
    expect(engine.opened).to.deep.equal(['start@new']);
    expect(engine.released).to.deep.equal([{ kind: 'committed', version: 1 }]);
  });
});
