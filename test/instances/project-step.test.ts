import { expect } from 'chai';

import { GENESIS_HASH } from '../../server/audit/audit-chain.js';
import { NO_CALENDARS } from '../../server/calendars/calendar-directory.js';
import { businessTimers } from '../../server/calendars/runner-calendars.js';
import { ManualClock } from '../../server/clock.js';
import { CUSTOMER_DEPARTMENT } from '../../server/customer/customer-department.js';
import { parseSource } from '../../server/engine/bpmn-source.js';
import { ConnectorRegistry } from '../../server/engine/connectors/connector-registry.js';
import type { StepSnapshot } from '../../server/engine/step-run.js';
import type { InstanceRecord } from '../../server/instances/instance.js';
import { projectStep, type ProjectionContext } from '../../server/instances/project-step.js';
import { StepEngine } from '../../server/instances/step-engine.js';
import { factsOf, type StepFacts } from '../../server/instances/step-facts.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import { openTask } from '../../server/tasks/task-records.js';
import { bpmn, silentLogger } from '../support/harness.js';

/** start → review (with a 20 h escalation timer) → answer → end. */
const XML = bpmn(
  'projected',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review" camunda:candidateGroups="first-line" />
    <bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT20H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="answer" />
    <bpmn:userTask id="answer" name="Answer" camunda:candidateGroups="customer" />
    <bpmn:sequenceFlow id="f3" sourceRef="answer" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const NOW = new Date('2026-03-02T09:00:00Z');

function instance(): InstanceRecord {
  return {
    id: 'i-1',
    definitionId: 'd-1',
    processKey: 'projected',
    definitionVersion: 1,
    ticketNumber: 'P-000001',
    businessKey: null,
    status: 'running',
    variables: {},
    state: null,
    engineVersion: '',
    version: 0,
    auditHead: { seq: 0, hash: GENESIS_HASH },
    startedAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    endedAt: null,
  };
}

function routed(executionId: string, elementId: string, department: string): TaskRecord {
  return openTask({
    id: executionId,
    instanceId: 'i-1',
    ticketNumber: 'P-000001',
    processKey: 'projected',
    definitionVersion: 1,
    elementId,
    name: elementId,
    department,
    candidateGroups: [department],
    candidateUsers: [],
    assignee: null,
    routingReason: `department ${department} from the diagram`,
    priority: 50,
    dueAt: null,
    formKey: null,
    form: null,
    createdAt: NOW.toISOString(),
  });
}

/** A real engine's start up to the first wait (the projection's input), its engine released. */
async function startedRun(): Promise<{ snapshot: StepSnapshot; facts: StepFacts }> {
  const engine = new StepEngine({ clock: new ManualClock(NOW), connectors: new ConnectorRegistry(), logger: silentLogger });
  const source = await parseSource(XML);
  const run = await engine.open(
    { instanceId: 'i-1', ticketNumber: 'P-000001', version: null, definitionId: 'd-1', source, timerClocks: businessTimers(NO_CALENDARS, null), savedTimers: new Map(), actor: 'api' },
    { kind: 'start', variables: { ticketNumber: 'P-000001' } },
  );
  const snapshot = await run.snapshot();
  const facts = factsOf(run);
  await engine.release(run, { kind: 'discarded' });
  return { snapshot, facts };
}

function context(snapshot: StepSnapshot, overrides: Partial<ProjectionContext> = {}): ProjectionContext {
  const review = snapshot.waiting.find((api) => api.id === 'review')!;
  let ids = 0;
  return {
    now: NOW,
    expectedVersion: null,
    leading: [{ type: 'instance.started', actor: 'api', data: {} }],
    openTasks: [],
    openIncidents: [],
    pendingTimers: [],
    calendars: NO_CALENDARS,
    processCalendar: null,
    routed: new Map([[review.executionId, routed(review.executionId, 'review', 'first-line')]]),
    pause: null,
    newId: () => `id-${++ids}`,
    ...overrides,
  };
}

describe('projectStep', () => {
  it('given a start waiting at a routed task, then the write opens it with its SLA, its timer and the events in order', async () => {
    // given a real engine's snapshot of a start, waiting at review with its escalation timer armed
    const { snapshot, facts } = await startedRun();
    // when it is projected with the task routed beforehand
    const { draft, opened, incident } = projectStep(instance(), snapshot, facts, context(snapshot));
    // then the write opens the routed task, due when its interrupting timer fires
    expect(opened).to.have.length(1);
    expect(opened[0]).to.include({ elementId: 'review', department: 'first-line', status: 'open', dueAt: '2026-03-03T05:00:00.000Z' });
    expect(draft.tasks).to.deep.equal(opened);
    expect(draft.timers).to.have.length(1);
    expect(draft.timers![0]).to.include({ elementId: 'late', dueAt: '2026-03-03T05:00:00.000Z' });
    // and the audit starts with the leading events, the engine's own follow, then the task's creation, then the variables
    const types = draft.audit.map((event) => event.type);
    expect(types[0]).to.equal('instance.started');
    expect(types.indexOf('activity.entered')).to.be.greaterThan(0);
    expect(types.slice(-2)).to.deep.equal(['task.created', 'variables.changed']);
    expect(draft.instance).to.include({ status: 'running', version: 0 });
    expect(draft.expectedVersion).to.equal(null);
    expect(draft.announce).to.deep.equal({ kind: 'step', fired: [] });
    expect(incident).to.equal(null);
  });

  it('given a task that no longer waits, then the completing action completes it and any other cancels it with an event', async () => {
    const { snapshot, facts } = await startedRun();
    // given an open task the snapshot no longer waits for
    const gone = routed('gone-1', 'earlier', 'first-line');
    const base = context(snapshot, { openTasks: [gone], expectedVersion: 3 });
    // when the step's action completed it
    const completed = projectStep(instance(), snapshot, facts, { ...base, action: { kind: 'complete-task', taskId: 'gone-1', output: { ok: true }, actor: 'alice' } });
    // then it is written completed, by alice, and no cancellation is logged
    expect(completed.draft.tasks.find((task) => task.id === 'gone-1')).to.include({ status: 'completed', completedBy: 'alice' });
    expect(completed.draft.audit.map((event) => event.type)).not.to.include('task.cancelled');
    // when another action took it away
    const cancelled = projectStep(instance(), snapshot, facts, { ...base, action: { kind: 'cancel', reason: 'r', actor: 'op' } });
    // then it is cancelled, and the log says so
    expect(cancelled.draft.tasks.find((task) => task.id === 'gone-1')).to.include({ status: 'cancelled' });
    expect(cancelled.draft.audit.map((event) => event.type)).to.include('task.cancelled');
  });

  it('given a step that opens the first task for the customer, then it pauses the SLA from the state resolved beforehand', async () => {
    const { snapshot, facts } = await startedRun();
    const review = snapshot.waiting.find((api) => api.id === 'review')!;
    // given the new task routed to the customer, and the ticket not paused
    const routedToCustomer = new Map([[review.executionId, routed(review.executionId, 'review', CUSTOMER_DEPARTMENT)]]);
    const paused = projectStep(instance(), snapshot, facts, context(snapshot, { routed: routedToCustomer, pause: { paused: false, since: null, tasks: [], reason: null } }));
    // then the SLA pauses in the same write
    expect(paused.draft.audit.map((event) => event.type)).to.include('sla.paused');
    // and a projection handed no pause state for such a step refuses rather than read it itself
    expect(() => projectStep(instance(), snapshot, facts, context(snapshot, { routed: routedToCustomer }))).to.throw(/pause state was not read/);
  });

  it('is pure: the same input projects the same write, and the snapshot and facts are left as they were', async () => {
    const { snapshot, facts } = await startedRun();
    const before = JSON.stringify({ timers: snapshot.timers, audit: facts.audit });
    const first = projectStep(instance(), snapshot, facts, context(snapshot));
    const second = projectStep(instance(), snapshot, facts, context(snapshot));
    expect(JSON.stringify(second.draft)).to.equal(JSON.stringify(first.draft));
    expect(JSON.stringify({ timers: snapshot.timers, audit: facts.audit })).to.equal(before);
  });
});
