import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { validateDefinition } from '../../server/definitions/definition.validator.js';
import { DEMO_DEPARTMENTS } from '../../server/departments/seed-departments.js';
import { DeployValidationError, PayloadTooLargeError } from '../../server/errors.js';
import { EXECUTABLE, OPTIONS, diagram, idsOf, issuesOf, timer } from './fixtures.js';

const VALID = diagram(
  `
    <bpmn:startEvent id="Start"><bpmn:messageEventDefinition messageRef="Msg_Submitted"/></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Review"/>
    <bpmn:userTask id="Review" name="Review" camunda:candidateGroups="support" camunda:dueDate="\${due}"/>
    <bpmn:boundaryEvent id="Late" attachedToRef="Review" cancelActivity="false">${timer('timeDuration', 'PT20H')}</bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Review" targetRef="Decide"/>
    <bpmn:exclusiveGateway id="Decide" default="Flow_4"/>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Decide" targetRef="Notify">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= amount &gt; 100</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Decide" targetRef="End"/>
    <bpmn:serviceTask id="Notify" name="Notify" camunda:type="external" camunda:topic="email"/>
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Notify" targetRef="End"/>
    <bpmn:endEvent id="End"/>`,
  { extra: '<bpmn:message id="Msg_Submitted" name="ticket-submitted"/>' },
);

describe('validateDefinition', () => {
  describe('a valid diagram', () => {
    it('returns key, name, ticket prefix and start messages', async () => {
      // given a process with a message start, a user task, a timer, a FEEL condition and a handler
      // when it is validated
      const { moddleContext, ...result } = await validateDefinition(VALID, OPTIONS);
      // then it is accepted and described, with the reader's result for the engine's source
      expect(moddleContext.rootElement.$type).to.equal('bpmn:Definitions');
      expect(result).to.deep.equal({
        key: 'helpdesk-escalation',
        name: 'Helpdesk escalation',
        ticketPrefix: 'HE',
        startMessages: ['ticket-submitted'],
        startTimers: [],
        warnings: [],
      });
    });

    it('lists literal timer start events, and warns about one given as an expression', async () => {
      // given a process with a daily start timer and one whose cycle is FEEL
      const xml =
        diagram(`<bpmn:startEvent id="Daily"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/2026-01-01T08:00:00Z/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:startEvent id="Computed"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">="R/PT1H"</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
        <bpmn:sequenceFlow id="F1" sourceRef="Daily" targetRef="E"/><bpmn:sequenceFlow id="F2" sourceRef="Computed" targetRef="E"/><bpmn:endEvent id="E"/>`);
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then the literal one is a start timer and the other only a warning
      expect(result.startTimers).to.deep.equal([{ elementId: 'Daily', timerType: 'timeCycle', value: 'R/2026-01-01T08:00:00Z/P1D' }]);
      expect(result.warnings.map((warning) => warning.elementId)).to.deep.equal(['Computed']);
    });

    it('takes the ticket prefix from the process property', async () => {
      // given a process declaring camunda:property ticketPrefix
      const xml = diagram(
        `<bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="HD"/></camunda:properties></bpmn:extensionElements>
         <bpmn:startEvent id="Start"/>`,
      );
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then that prefix is used
      expect(result.ticketPrefix).to.equal('HD');
    });

    it('uses the key when the process has no name', async () => {
      // given an unnamed process
      const xml = diagram('<bpmn:startEvent id="Start"/>', { process: 'id="refundRequest" isExecutable="true"' });
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then the name is the key and the prefix its initials
      expect(result).to.include({ key: 'refundRequest', name: 'refundRequest', ticketPrefix: 'RR' });
    });

    it('accepts the ${} and implementation forms of a handler and a signal event', async () => {
      // given service-like tasks naming handlers each way, and a signal boundary event
      const xml = diagram(
        `
        <bpmn:serviceTask id="A" implementation="\${environment.services.log}"/>
        <bpmn:sendTask id="B" camunda:expression="\${webhook}"/>
        <bpmn:businessRuleTask id="C" implementation="email"/>
        <bpmn:boundaryEvent id="Stop" attachedToRef="A"><bpmn:signalEventDefinition signalRef="Sig"/></bpmn:boundaryEvent>`,
        { extra: '<bpmn:signal id="Sig" name="stop"/>' },
      );
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then it is accepted
      expect(result.warnings).to.deep.equal([]);
    });
  });

  describe('stage 1: size and XML limits', () => {
    it('refuses a diagram over the size limit', async () => {
      // given a limit smaller than the diagram
      // when it is validated
      const error = await validateDefinition(VALID, { ...OPTIONS, maxBytes: 100 }).catch((err: unknown) => err);
      // then it is too large, before anything else is looked at
      expect(error).to.be.instanceOf(PayloadTooLargeError);
    });

    it('counts the size in UTF-8 bytes', async () => {
      // given a diagram whose characters take two bytes each
      const xml = diagram(`<bpmn:startEvent id="Start" name="${'é'.repeat(60)}"/>`);
      const limit = xml.length + 30;
      // when it is validated against a limit above its length in characters
      const error = await validateDefinition(xml, { ...OPTIONS, maxBytes: limit }).catch((err: unknown) => err);
      // then it is still too large
      expect(error).to.be.instanceOf(PayloadTooLargeError);
    });

    it('refuses malformed XML', async () => {
      // given a diagram with an unclosed element
      const xml = diagram('<bpmn:startEvent id="Start">');
      // when it is validated
      const issues = await issuesOf(xml);
      // then one issue says so, with its position
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.match(/not well-formed XML \(line \d+, column \d+/);
    });

    it('refuses a DOCTYPE with entities (billion laughs)', async () => {
      // given a diagram with entity declarations
      const xml = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:process id="P" isExecutable="true">&lol2;</bpmn:process></bpmn:definitions>`;
      // when it is validated
      const issues = await issuesOf(xml);
      // then the DTD is the one reason given
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.contain('DOCTYPE with ENTITY declarations');
    });

    it('refuses elements nested too deep', async () => {
      // given 70 nested elements inside a documentation element
      const xml = diagram(`<bpmn:startEvent id="Start"><bpmn:documentation>${'<x>'.repeat(70)}${'</x>'.repeat(70)}</bpmn:documentation></bpmn:startEvent>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the depth is the reason
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.contain('more than 64 levels deep');
    });

    it('refuses too many elements', async () => {
      // given 20,001 elements
      const xml = diagram(`<bpmn:extensionElements>${'<x/>'.repeat(20_001)}</bpmn:extensionElements>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the count is the reason
      expect(issues[0]?.message).to.contain('more than 20000 XML elements');
    });
  });

  describe('stage 2: BPMN schema', () => {
    it('refuses XML that is not BPMN', async () => {
      // given a well-formed document of another kind
      // when it is validated
      const issues = await issuesOf('<html><body/></html>');
      // then it is named as not a BPMN diagram
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.contain('not a BPMN 2.0 diagram');
    });

    it('warns about an unknown attribute on the element that carries it, and deploys (Camunda ignores it too)', async () => {
      // given a misspelt camunda attribute
      const xml = diagram('<bpmn:userTask id="Review" camunda:candidateGroupz="support" camunda:assignee="jane"/>');
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then the task is named in a warning
      expect(idsOf(result.warnings)).to.deep.equal(['Review']);
      expect(result.warnings[0]?.message).to.contain('camunda:candidateGroupz');
    });

    it('reports an unknown BPMN element with its position', async () => {
      // given an element BPMN does not define
      const xml = diagram('<bpmn:frobnicateTask id="Odd"/>');
      // when it is validated
      const issues = await issuesOf(xml);
      // then it is reported with line and column
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.match(/^Line \d+, column \d+: <bpmn:frobnicateTask> cannot be read/);
    });

    it('reports a reference to a missing element', async () => {
      // given a flow to an element that does not exist
      const xml = diagram(`
        <bpmn:startEvent id="Start"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Nowhere"/>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the flow is named, once
      expect(idsOf(issues)).to.deep.equal(['Flow_1']);
      expect(issues[0]?.message).to.contain("'Nowhere' in targetRef");
    });

    it('reports a duplicate id', async () => {
      // given two elements with one id
      const xml = diagram('<bpmn:startEvent id="Twice"/><bpmn:endEvent id="Twice"/>');
      // when it is validated
      const issues = await issuesOf(xml);
      // then the id is named
      expect(idsOf(issues)).to.deep.equal(['Twice']);
    });
  });

  describe('stage 3: one executable process', () => {
    it('refuses a diagram with no executable process', async () => {
      // given a process that is not executable
      const xml = diagram('<bpmn:startEvent id="Start"/>', { process: 'id="Draft" isExecutable="false"' });
      // when it is validated
      const issues = await issuesOf(xml);
      // then the diagram as a whole is refused
      expect(idsOf(issues)).to.deep.equal([null]);
      expect(issues[0]?.message).to.contain('no executable process');
    });

    it('refuses two executable processes, naming both', async () => {
      // given a second executable process
      const xml = diagram('<bpmn:startEvent id="Start"/>', {
        extra: '<bpmn:process id="Other" isExecutable="true"><bpmn:startEvent id="Start2"/></bpmn:process>',
      });
      // when it is validated
      const issues = await issuesOf(xml);
      // then each is named and the rule stated
      expect(idsOf(issues)).to.deep.equal(['helpdesk-escalation', 'Other']);
      expect(issues[0]?.message).to.contain('only one process per diagram may be executable');
    });
  });

  describe('rule 4: no code, every expression parses', () => {
    it('refuses a script task', async () => {
      // given a JavaScript script task
      const xml = diagram('<bpmn:scriptTask id="Task_1" name="Compute" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>');
      // when it is validated
      const issues = await issuesOf(xml);
      // then the owner is told what to use instead
      expect(issues).to.deep.equal([
        {
          elementId: 'Task_1',
          message: "Script task 'Compute' (Task_1) runs JavaScript, which Baton does not allow; use a service task with a named handler",
        },
      ]);
    });

    it('refuses a script task in a non-executable pool too', async () => {
      // given a script task in a documentation pool
      const xml = diagram('<bpmn:startEvent id="Start"/>', {
        extra: '<bpmn:process id="Docs" isExecutable="false"><bpmn:scriptTask id="Sneaky" scriptFormat="js"/><bpmn:serviceTask id="NoHandler"/></bpmn:process>',
      });
      // when it is validated
      const issues = await issuesOf(xml);
      // then the script is refused, but the documentation pool's missing handler is not a concern
      expect(idsOf(issues)).to.deep.equal(['Sneaky']);
    });

    it('refuses a JavaScript condition', async () => {
      // given a condition in javascript
      const xml = diagram(`
        <bpmn:startEvent id="Start"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="End">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">next(null, true)</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:endEvent id="End"/>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the flow is named
      expect(idsOf(issues)).to.deep.equal(['Flow_1']);
      expect(issues[0]?.message).to.contain("condition in 'javascript'");
    });

    it('accepts a condition in language feel without the = prefix', async () => {
      // given a FEEL condition as Camunda Modeler writes it
      const xml = diagram(`
        <bpmn:startEvent id="Start"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="End">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="feel">amount &gt; 100</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:endEvent id="End"/>`);
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then it is accepted
      expect(result.key).to.equal('helpdesk-escalation');
    });

    it('refuses scripts in input parameters', async () => {
      // given an input parameter computed by a script
      const xml = diagram(`
        <bpmn:serviceTask id="Task_1" implementation="log">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="total"><camunda:script scriptFormat="groovy">a + b</camunda:script></camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:serviceTask>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the task and parameter are named
      expect(idsOf(issues)).to.deep.equal(['Task_1']);
      expect(issues[0]?.message).to.contain("parameter 'total' with a groovy script");
    });

    it('refuses Java and script listeners', async () => {
      // given an execution listener with a class and a task listener with a script
      const xml = diagram(`
        <bpmn:userTask id="Review" camunda:assignee="jane">
          <bpmn:extensionElements>
            <camunda:executionListener class="com.acme.Audit" event="start"/>
            <camunda:taskListener event="create"><camunda:script scriptFormat="javascript">task.x = 1</camunda:script></camunda:taskListener>
          </bpmn:extensionElements>
        </bpmn:userTask>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then each listener is reported on the task
      expect(idsOf(issues)).to.deep.equal(['Review', 'Review']);
      expect(issues[0]?.message).to.contain('the Java class com.acme.Audit');
      expect(issues[1]?.message).to.contain('task listener');
    });

    it('refuses a plain-text condition', async () => {
      // given a condition that is not an expression
      const xml = diagram(`
        <bpmn:startEvent id="Start"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="End">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">approved</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:endEvent id="End"/>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the owner learns it would always be taken
      expect(idsOf(issues)).to.deep.equal(['Flow_1']);
      expect(issues[0]?.message).to.contain('always take the flow');
    });

    it('refuses expressions that do not parse', async () => {
      // given broken expressions in a condition, user task attributes and an input parameter
      const xml = diagram(`
        <bpmn:startEvent id="Start"/>
        <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Review">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">= amount &gt;</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:userTask id="Review" camunda:assignee="\${owner" camunda:candidateGroups="\${groups(}" camunda:dueDate="= date(">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="total">= a +</camunda:inputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:userTask>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then each is reported on its element
      expect(idsOf(issues)).to.deep.equal(['Flow_1', 'Review', 'Review', 'Review', 'Review']);
      expect(issues.map((issue) => issue.message).join('\n'))
        .to.contain('camunda:assignee')
        .and.contain("input parameter 'total'");
    });
  });

  describe('rule 5: timers', () => {
    const withTimer = (definition: string) => diagram(`<bpmn:intermediateCatchEvent id="Wait" name="Wait">${definition}</bpmn:intermediateCatchEvent>`);

    it('accepts ISO durations, dates, cycles and expressions', async () => {
      for (const definition of [
        timer('timeDuration', 'P1DT4H30M'),
        timer('timeDuration', 'P2W'),
        timer('timeDate', '2026-03-01T09:00:00+01:00'),
        timer('timeCycle', 'R3/PT10M'),
        timer('timeCycle', 'R/2026-03-01T09:00:00Z/P1D'),
        timer('timeDuration', '${sla}'),
      ]) {
        // given a timer with a valid value
        // when it is validated
        const result = await validateDefinition(withTimer(definition), OPTIONS);
        // then it is accepted without warnings
        expect(result.warnings, definition).to.deep.equal([]);
      }
    });

    it('refuses a duration that is not ISO 8601', async () => {
      const issues = await issuesOf(withTimer(timer('timeDuration', '20 hours')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
      expect(issues[0]?.message).to.contain('ISO 8601 duration');
    });

    it('accepts a Quartz cron cycle (Camunda 7), and refuses one Baton cannot read', async () => {
      const accepted = await validateDefinition(withTimer(timer('timeCycle', '0 0 9 * * ?')), OPTIONS);
      expect(accepted.warnings).to.deep.equal([]);
      const withYear = await validateDefinition(withTimer(timer('timeCycle', '0 0 9 ? * MON-FRI *')), OPTIONS);
      expect(withYear.warnings).to.deep.equal([]);
      const issues = await issuesOf(withTimer(timer('timeCycle', '0 0 9 * * ? 2027')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
      expect(issues[0]?.message).to.contain('year field');
      expect(idsOf(await issuesOf(withTimer(timer('timeCycle', '0 0 99 * * ?'))))).to.deep.equal(['Wait']);
    });

    it('refuses an impossible date', async () => {
      const issues = await issuesOf(withTimer(timer('timeDate', '2026-02-30T09:00:00Z')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
    });

    it('refuses a timer without a value', async () => {
      const issues = await issuesOf(withTimer('<bpmn:timerEventDefinition id="TimerDef"/>'));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
      expect(issues[0]?.message).to.contain('without a duration, date or cycle');
    });

    it('refuses a timer expression that does not parse', async () => {
      const issues = await issuesOf(withTimer(timer('timeDuration', '= duration(')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
    });

    it('refuses a date in the past', async () => {
      const issues = await issuesOf(withTimer(timer('timeDate', '2025-06-01T09:00:00Z')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
      expect(issues[0]?.message).to.contain('in the past');
    });

    it('refuses an endless cycle that would fire every millisecond, but not a counted one', async () => {
      const issues = await issuesOf(withTimer(timer('timeCycle', 'R/PT0.001S')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
      expect(issues[0]?.message).to.contain('without end');
      const counted = await validateDefinition(withTimer(timer('timeCycle', 'R3/PT0.5S')), OPTIONS);
      expect(counted.warnings).to.deep.equal([]);
    });

    it('refuses a negative duration', async () => {
      const issues = await issuesOf(withTimer(timer('timeDuration', '-PT1H')));
      expect(idsOf(issues)).to.deep.equal(['Wait']);
    });

    it('warns about a date without a time zone', async () => {
      const result = await validateDefinition(withTimer(timer('timeDate', '2026-03-01T09:00')), OPTIONS);
      expect(idsOf(result.warnings)).to.deep.equal(['Wait']);
    });
  });

  describe('rule 6: user task routing', () => {
    it('deploys a user task routed to nobody with a warning: it waits in the unrouted queue', async () => {
      // given a user task with no group, user, assignee or lane
      const xml = diagram('<bpmn:userTask id="Review" name="Review"/>');
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then it is named in a warning
      expect(idsOf(result.warnings)).to.deep.equal(['Review']);
      expect(result.warnings[0]?.message).to.contain('unrouted queue');
    });

    it('counts potentialOwner and humanPerformer resource expressions as routing', async () => {
      const xml = diagram(`
        <bpmn:userTask id="Owned"><bpmn:potentialOwner><bpmn:resourceAssignmentExpression><bpmn:formalExpression>group(support)</bpmn:formalExpression></bpmn:resourceAssignmentExpression></bpmn:potentialOwner></bpmn:userTask>
        <bpmn:userTask id="Performed"><bpmn:humanPerformer><bpmn:resourceAssignmentExpression><bpmn:formalExpression>kermit</bpmn:formalExpression></bpmn:resourceAssignmentExpression></bpmn:humanPerformer></bpmn:userTask>`);
      const result = await validateDefinition(xml, OPTIONS);
      expect(result.warnings).to.deep.equal([]);
    });

    it('accepts a user task in a named lane, also inside a sub-process', async () => {
      // given tasks in the lane 'Support', one of them inside a sub-process
      const xml = diagram(`
        <bpmn:laneSet id="LaneSet"><bpmn:lane id="Lane_1" name="Support">
          <bpmn:flowNodeRef>Review</bpmn:flowNodeRef><bpmn:flowNodeRef>Sub</bpmn:flowNodeRef>
        </bpmn:lane></bpmn:laneSet>
        <bpmn:userTask id="Review"/>
        <bpmn:subProcess id="Sub"><bpmn:userTask id="Inner"/></bpmn:subProcess>`);
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then both are routable
      expect(result.warnings).to.deep.equal([]);
    });

    it('warns about a user task in a lane without a name', async () => {
      const xml = diagram(`
        <bpmn:laneSet id="LaneSet"><bpmn:lane id="Lane_1"><bpmn:flowNodeRef>Review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
        <bpmn:userTask id="Review"/>`);
      const result = await validateDefinition(xml, OPTIONS);
      expect(idsOf(result.warnings)).to.deep.equal(['Review']);
    });

    it('only warns about a candidate group that is not a department', async () => {
      // given a candidate group 'l9' next to the known 'support'
      const xml = diagram('<bpmn:userTask id="Review" camunda:candidateGroups="support, l9"/>');
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then it deploys with one warning on the task
      expect(result.warnings).to.deep.equal([
        {
          elementId: 'Review',
          message: "Candidate group 'l9' is not a known department; its tasks will wait in the unrouted queue",
        },
      ]);
    });

    it('does not check departments named by an expression', async () => {
      const xml = diagram('<bpmn:userTask id="Review" camunda:candidateGroups="${team}"/>');
      const result = await validateDefinition(xml, OPTIONS);
      expect(result.warnings).to.deep.equal([]);
    });
  });

  describe('rule 7: service handlers', () => {
    it('refuses an unknown handler, listing the known ones', async () => {
      const issues = await issuesOf(diagram('<bpmn:serviceTask id="Notify" name="Notify" implementation="sms"/>'));
      expect(issues).to.deep.equal([
        {
          elementId: 'Notify',
          message: "Service task 'Notify' (Notify) calls the handler 'sms', which Baton does not have; known handlers: dispatch, email, feedback-request, invoice, log, notify, use-parts, webhook",
        },
      ]);
    });

    it('refuses a service-like task with no handler', async () => {
      const issues = await issuesOf(diagram('<bpmn:sendTask id="Send"/><bpmn:businessRuleTask id="Rule" camunda:decisionRef="risk"/>'));
      expect(idsOf(issues)).to.deep.equal(['Send', 'Rule']);
      expect(issues[1]?.message).to.contain("DMN decision 'risk'");
    });

    it('refuses an external task without a topic', async () => {
      const issues = await issuesOf(diagram('<bpmn:serviceTask id="Ext" camunda:type="external"/>'));
      expect(idsOf(issues)).to.deep.equal(['Ext']);
    });

    it('refuses Java delegates, once', async () => {
      const issues = await issuesOf(diagram('<bpmn:serviceTask id="Java" camunda:class="com.acme.Send"/><bpmn:serviceTask id="Bean" camunda:delegateExpression="${sender}"/>'));
      expect(idsOf(issues)).to.deep.equal(['Java', 'Bean']);
      expect(issues[0]?.message).to.contain('runs Java code');
    });
  });

  describe('rule 8: unsupported elements', () => {
    it('names each unsupported element', async () => {
      // given one of each unsupported kind
      const xml = diagram(`
        <bpmn:complexGateway id="Complex"/>
        <bpmn:transaction id="Tx"/>
        <bpmn:adHocSubProcess id="AdHoc"/>
        <bpmn:task id="Work"/>
        <bpmn:boundaryEvent id="Undo" attachedToRef="Work"><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>
        <bpmn:intermediateCatchEvent id="WhenReady"><bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">\${ready}</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>
        <bpmn:callActivity id="Call"/>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then each is named (a call of nothing among them; a call of another deployment is fine)
      expect(idsOf(issues)).to.deep.equal(['Complex', 'Tx', 'AdHoc', 'Undo', 'WhenReady', 'Call']);
    });

    it('accepts a call activity to a process of the same diagram, and checks that process', async () => {
      // given a call to a non-executable process with a task lacking a handler
      const xml = diagram('<bpmn:callActivity id="Call" calledElement="Helper"/>', {
        extra: '<bpmn:process id="Helper" isExecutable="false"><bpmn:serviceTask id="Inner"/></bpmn:process>',
      });
      // when it is validated
      const issues = await issuesOf(xml);
      // then the called process is held to the same rules
      expect(idsOf(issues)).to.deep.equal(['Inner']);
    });
  });

  describe('gateway flows', () => {
    it('refuses a flow out of a deciding gateway with no condition and not the default', async () => {
      // given a gateway with two unconditional ways out and no default
      const xml = diagram(`
        <bpmn:exclusiveGateway id="Gateway_1" name="Approved?"/>
        <bpmn:sequenceFlow id="Yes" sourceRef="Gateway_1" targetRef="End">
          <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${approved}</bpmn:conditionExpression>
        </bpmn:sequenceFlow>
        <bpmn:sequenceFlow id="No" sourceRef="Gateway_1" targetRef="End"/>
        <bpmn:endEvent id="End"/>`);
      // when it is validated
      const issues = await issuesOf(xml);
      // then the unconditional flow is named with its gateway
      expect(idsOf(issues)).to.deep.equal(['No']);
      expect(issues[0]?.message).to.contain("Sequence flow No from Exclusive gateway 'Approved?' (Gateway_1) has no condition and is not the default");
    });

    it('accepts unconditional flows out of a parallel gateway', async () => {
      const xml = diagram(`
        <bpmn:parallelGateway id="Fork"/>
        <bpmn:sequenceFlow id="A" sourceRef="Fork" targetRef="End"/>
        <bpmn:sequenceFlow id="B" sourceRef="Fork" targetRef="End"/>
        <bpmn:endEvent id="End"/>`);
      const result = await validateDefinition(xml, OPTIONS);
      expect(result.key).to.equal('helpdesk-escalation');
    });
  });

  describe('task forms', () => {
    const SHIPPED_DEPARTMENTS = new Set(DEMO_DEPARTMENTS.map((department) => department.id));

    const form = (key: string) =>
      `<bpmn:extensionElements><baton:form xmlns:baton="https://baton.example/schema/bpmn/1.0" key="${key}">{"type":"default","id":"${key}","components":[{"type":"textfield","key":"note","label":"Note"}]}</baton:form></bpmn:extensionElements>`;

    it('warns about a user task whose form key names no task form, naming the task', async () => {
      // given a task with an embedded form and one whose form key names nothing in the diagram
      const xml = diagram(`${form('check')}
        <bpmn:userTask id="Check" name="Check" camunda:candidateGroups="support" camunda:formKey="check"/>
        <bpmn:userTask id="Review" name="Review" camunda:candidateGroups="support" camunda:formKey="review-form"/>`);
      // when it is validated
      const result = await validateDefinition(xml, OPTIONS);
      // then it deploys, with one warning on the task without a form
      expect(result.warnings).to.deep.equal([
        {
          elementId: 'Review',
          message: `User task 'Review' (Review) has the form key 'review-form', but the diagram has no task form with that key: the inbox will show only "Complete", without fields`,
        },
      ]);
    });

    it('does not warn when the task has camunda:formData, or its form key is an expression', async () => {
      const xml = diagram(`
        <bpmn:userTask id="Generated" camunda:candidateGroups="support" camunda:formKey="generated">
          <bpmn:extensionElements><camunda:formData><camunda:formField id="ok" type="boolean"/></camunda:formData></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:userTask id="Computed" camunda:candidateGroups="support" camunda:formKey="\${formName}"/>`);
      const result = await validateDefinition(xml, OPTIONS);
      expect(result.warnings).to.deep.equal([]);
    });

    it('finds a form for every user task of the shipped processes', async () => {
      for (const file of ['helpdesk-escalation.bpmn', 'payment-incident.bpmn', 'field-service.bpmn']) {
        const xml = readFileSync(path.join('processes', file), 'utf8');
        const result = await validateDefinition(xml, { ...OPTIONS, knownDepartments: SHIPPED_DEPARTMENTS });
        expect(result.warnings, file).to.deep.equal([]);
      }
    });
  });

  describe('reporting', () => {
    it('reports every problem in one error', async () => {
      // given a diagram breaking several rules at once
      const xml = diagram(
        `
        <bpmn:startEvent id="Start"><bpmn:messageEventDefinition/></bpmn:startEvent>
        <bpmn:scriptTask id="Script" scriptFormat="javascript"/>
        <bpmn:receiveTask id="Orphan"/>
        <bpmn:serviceTask id="Notify" implementation="sms"/>
        <bpmn:intermediateCatchEvent id="Wait">${timer('timeDuration', 'soon')}</bpmn:intermediateCatchEvent>
        <bpmn:complexGateway id="Complex"/>
        <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="help-desk"/></camunda:properties></bpmn:extensionElements>`,
        { process: EXECUTABLE },
      );
      // when it is validated
      const error = await validateDefinition(xml, OPTIONS).catch((err: unknown) => err);
      // then one DeployValidationError lists them all
      expect(error).to.be.instanceOf(DeployValidationError);
      const issues = error instanceof DeployValidationError ? error.issues : [];
      expect(error instanceof Error ? error.message : '').to.equal('The diagram cannot be deployed');
      expect(idsOf(issues)).to.have.members(['Script', 'Wait', 'Orphan', 'Notify', 'Complex', 'helpdesk-escalation', 'Start']);
    });
  });
});
