import { expect } from 'chai';

import { IncidentRaisedError, InvalidInputError } from '../../server/errors.js';
import { bpmn, type TestBaton } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

const COMPUTED = bpmn(
  'computed',
  `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="plan" />
    <bpmn:userTask id="plan" name="Plan the follow-up" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">=followUp</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="e" /><bpmn:endEvent id="e" />`,
);

describe('Computed timers with bad values', () => {
  const server = useTestServer();
  let baton: TestBaton;

  beforeEach(async () => {
    baton = server.baton;
    await baton.definitions.deploy(COMPUTED);
  });

  for (const [what, value] of [
    ['an endless cycle every 0 s', 'R/PT0S'],
    ['text that is no duration', 'next tuesday'],
    ['a number', 42],
  ] as const) {
    it(`raises an incident for ${what}, never a hot loop or a crash`, async () => {
      // given an instance at the planning task
      const { instance, opened } = await baton.instances.start({ processKey: 'computed', variables: {}, businessKey: null }, 'api');
      // when the task sets the follow-up cycle to a bad value
      let error: unknown;
      try {
        await baton.tasks.complete(opened[0]!.id, { followUp: value }, 'alice');
      } catch (err) {
        error = err;
      }
      // then the completion is refused with an incident naming the timer, and nothing moved
      expect(error).to.be.instanceOf(IncidentRaisedError);
      const view = await baton.instances.get(instance.id);
      expect(view.incidents.map((incident) => incident.status)).to.deep.equal(['open']);
      expect(view.incidents[0]!.message).to.match(/Timer expression/);
      expect(view.openTasks.map((task) => task.elementId)).to.deep.equal(['plan']);
      // and a good value goes through
      await baton.tasks.complete(opened[0]!.id, { followUp: 'R2/P1D' }, 'alice');
      expect((await baton.instances.get(instance.id)).timers.map((timer) => timer.elementId)).to.deep.equal(['wait']);
    });
  }

  it('refuses a start whose first timer cannot be computed, storing nothing', async () => {
    await baton.definitions.deploy(
      bpmn(
        'computed-start',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait" />
        <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=sla</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
    );
    let error: unknown;
    try {
      await baton.instances.start({ processKey: 'computed-start', variables: { sla: 'soon' }, businessKey: null }, 'api');
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(InvalidInputError);
    expect(await baton.instances.list({ processKey: 'computed-start' })).to.deep.equal([]);
  });
});
