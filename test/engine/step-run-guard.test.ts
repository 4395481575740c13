import { BpmnModdle } from 'bpmn-moddle';
import { expect } from 'chai';

import { ManualClock } from '../../server/clock.js';
import { moddleOptions, serializeSource } from '../../server/engine/bpmn-source.js';
import { ConnectorRegistry } from '../../server/engine/connectors/connector-registry.js';
import { StepRun } from '../../server/engine/step-run.js';
import { EngineFailureError } from '../../server/errors.js';
import { bpmn, silentLogger } from '../support/harness.js';

/** Whatever bpmn-engine throws on a diagram becomes a 422-coded error with the engine's reason. */
describe('StepRun guard', () => {
  it('turns an engine crash into EngineFailureError (the raw source of flows without ids)', async () => {
    // given a source serialized without Baton's id assignment: bpmn-engine throws on it
    const xml = bpmn(
      'raw',
      `<bpmn:startEvent id="s" /><bpmn:sequenceFlow sourceRef="s" targetRef="t" /><bpmn:userTask id="t" />
       <bpmn:sequenceFlow sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
    );
    const source = serializeSource(await new BpmnModdle(moddleOptions).fromXML(xml));
    const run = new StepRun({ instanceId: 'i', ticketNumber: 'T-1', source }, { clock: new ManualClock(), connectors: new ConnectorRegistry([]), logger: silentLogger });
    // when the step starts
    let failure: unknown;
    try {
      await run.start({});
    } catch (err) {
      failure = err;
    }
    // then it is an EngineFailureError naming the engine's reason
    expect(failure).to.be.instanceOf(EngineFailureError);
    expect((failure as EngineFailureError).message).to.contain('could not run this step');
  });
});
