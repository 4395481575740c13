import { expect } from 'chai';

import type { ScoredCandidate } from '../../server/field/dispatch-scoring.js';
import type { TaskRecord } from '../../server/tasks/task.js';
import { addUser, bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';

/** Request → automatic dispatch → the visit for the chosen technician, or the dispatch queue. */
const VISIT = bpmn(
  'field-visit',
  `<bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="auto" />
    <bpmn:serviceTask id="auto" name="Dispatch" camunda:type="external" camunda:topic="dispatch" />
    <bpmn:sequenceFlow id="f2" sourceRef="auto" targetRef="found" />
    <bpmn:exclusiveGateway id="found" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="found" targetRef="visit"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${dispatched}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="found" targetRef="manual" />
    <bpmn:userTask id="manual" name="Dispatch by hand" camunda:candidateGroups="dispatch" />
    <bpmn:sequenceFlow id="f5" sourceRef="manual" targetRef="end" />
    <bpmn:userTask id="visit" name="Visit and repair" camunda:assignee="\${technician}" camunda:candidateGroups="technicians" />
    <bpmn:sequenceFlow id="f6" sourceRef="visit" targetRef="end" />
    <bpmn:endEvent id="end" />`,
);

const BERLIN = { address: 'Alexanderplatz 1, Berlin', lat: 52.5219, lon: 13.4132 };
const at = (lat: number, lon: number, address = 'somewhere') => ({ address, lat, lon });

describe('Field service dispatch', () => {
  const t = useTestServer({ deploy: [VISIT] });

  /** Five technicians; only anna is what a dispatcher would pick for a heating job needing P-17. */
  async function fiveTechnicians(): Promise<void> {
    const people: [string, string[], ReturnType<typeof at>][] = [
      ['anna', ['heating'], at(52.53, 13.42)], // near, has the part
      ['boris', ['electrical'], at(52.52, 13.41)], // nearest, wrong skill
      ['clara', ['heating'], at(52.4, 13.05)], // far
      ['dmitri', ['heating'], at(52.525, 13.415)], // near but no part in the van
      ['eva', ['heating'], at(52.53, 13.42)], // near, has the part, busy day
    ];
    for (const [username, skills, home] of people) {
      const created = await t.http.request('POST', '/api/users', {
        username,
        name: `${username[0]!.toUpperCase()}${username.slice(1)} Tech`,
        password: 'staff-password-for-tests',
        role: 'staff',
        departments: ['technicians'],
        skills,
        home,
        maxJobsPerDay: 6,
      });
      expect(created.status, username).to.equal(201);
    }
    expect((await t.http.request('POST', '/api/parts', { sku: 'P-17', name: 'Circulation pump', price: 120 })).status).to.equal(201);
    expect((await t.http.request('POST', '/api/warehouses', { id: 'central', name: 'Central', address: 'Depot 1', lat: 52.45, lon: 13.3 })).status).to.equal(201);
    expect((await t.http.request('PUT', '/api/stock/central/P-17', { quantity: 3 })).status).to.equal(200);
    for (const van of ['anna', 'eva']) expect((await t.http.request('PUT', `/api/stock/van:${van}/P-17`, { quantity: 2 })).status).to.equal(200);
    expect((await t.http.request('POST', '/api/assets', { id: 'BOILER-9', type: 'heating', customerEmail: 'eva@example.com', ...BERLIN })).status).to.equal(201);
    // eva's day is full of other visits
    for (let i = 0; i < 4; i++) await startVisit({ equipmentId: 'BOILER-9', partsNeeded: '' }, 'eva');
  }

  async function startVisit(variables: Record<string, unknown>, assign?: string): Promise<{ id: string; ticketNumber: string }> {
    const started = await t.http.request('POST', '/api/instances', { processKey: 'field-visit', variables });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const instance = started.body as { id: string; ticketNumber: string };
    if (assign) {
      const [task] = await t.baton.store.tasks.list({ instanceId: instance.id, status: 'open' });
      if (task && task.assignee !== assign) {
        const handed = await t.http.request('POST', `/api/tasks/${task.id}/hand-over`, { assignee: assign, reason: 'load for the test' });
        expect(handed.status).to.equal(200);
      }
    }
    return instance;
  }

  async function openTask(instanceId: string): Promise<TaskRecord> {
    const [task] = await t.baton.store.tasks.list({ instanceId, status: 'open' });
    return task!;
  }

  it('given five technicians, when a heating job needing P-17 arrives, then it picks the one a person would and says why', async () => {
    await fiveTechnicians();
    const ticket = await startVisit({ equipmentId: 'BOILER-9', partsNeeded: 'P-17' });
    const visit = await openTask(ticket.id);
    expect(visit).to.include({ elementId: 'visit', assignee: 'anna' });

    // the decision is in the audit log with every candidate and criterion
    const events = await t.baton.store.audit.forInstance(ticket.id);
    const decided = events.find((event) => event.type === 'dispatch.decided')!;
    expect(decided.data['chosen']).to.equal('anna');
    const candidates = decided.data['candidates'] as ScoredCandidate[];
    expect(candidates.map((c) => c.username)).to.have.members(['anna', 'boris', 'clara', 'dmitri', 'eva']);
    const anna = candidates.find((c) => c.username === 'anna')!;
    expect(anna.reasons).to.include.members(['has heating skill', 'P-17 in van', '0 jobs today']);
    expect(candidates.find((c) => c.username === 'boris')!).to.include({ eligible: false });

    // the part is held in anna's van; the variables tell the customer pages who and when
    const [stock] = (await t.http.request('GET', '/api/stock?location=van:anna&sku=P-17')).body as { quantity: number; reserved: number }[];
    expect(stock).to.include({ quantity: 2, reserved: 1 });
    const instance = (await t.http.request('GET', `/api/instances/${ticket.id}`)).body as { variables: Record<string, unknown> };
    expect(instance.variables).to.include({ technician: 'anna', technicianName: 'Anna', dispatched: true });
    expect(instance.variables['etaMinutes']).to.be.a('number');

    // and the asset's history lists the ticket
    const asset = (await t.http.request('GET', '/api/assets/BOILER-9')).body as { type: string; history: { ticketNumber: string; technician: string | null }[] };
    expect(asset.type).to.equal('heating');
    expect(asset.history.map((h) => h.ticketNumber)).to.include(ticket.ticketNumber);
  });

  it('given the chosen technician declines, then the next best is proposed and the part moves with the visit', async () => {
    await fiveTechnicians();
    const ticket = await startVisit({ equipmentId: 'BOILER-9', partsNeeded: 'P-17' });
    const visit = await openTask(ticket.id);
    const anna = await t.http.as('anna');
    const declined = await anna.request('POST', `/api/tasks/${visit.id}/decline`, { reason: 'sick today' });
    expect(declined.status, JSON.stringify(declined.body)).to.equal(200);
    const next = (declined.body as { technician: string }).technician;
    expect(next).to.equal('dmitri');
    expect(await openTask(ticket.id)).to.include({ assignee: 'dmitri', department: 'technicians' });
    // anna's van no longer holds the part for it; the central warehouse does (dmitri has none)
    const stock = (await t.http.request('GET', '/api/stock?sku=P-17')).body as { location: string; reserved: number }[];
    expect(stock.find((row) => row.location === 'van:anna')!.reserved).to.equal(0);
    expect(stock.find((row) => row.location === 'van:dmitri')).to.equal(undefined);
    expect(stock.find((row) => row.location === 'central')!.reserved).to.equal(1);
    const types = (await t.baton.store.audit.forInstance(ticket.id)).map((event) => event.type);
    expect(types).to.include('dispatch.declined');

    // when each next technician declines too, every heating technician is tried once, then the dispatch queue takes it
    const tried = ['anna'];
    for (let task = await openTask(ticket.id); task.department === 'technicians'; task = await openTask(ticket.id)) {
      tried.push(task.assignee!);
      const client = await t.http.as(task.assignee!);
      expect((await client.request('POST', `/api/tasks/${task.id}/decline`, { reason: 'no time' })).status).to.equal(200);
    }
    expect(tried).to.have.members(['anna', 'dmitri', 'eva', 'clara']);
    const last = await openTask(ticket.id);
    expect(last).to.include({ department: 'dispatch', assignee: null });
    expect(last.routingReason).to.match(/Nobody can take it/);
  });

  it('given a dispatcher overrides, then only a real, eligible technician is accepted, with a reason', async () => {
    await fiveTechnicians();
    await addUser(t.baton, 'dana', 'staff', ['dispatch']);
    const dispatcher = await t.http.as('dana');
    const ticket = await startVisit({ equipmentId: 'BOILER-9', partsNeeded: 'P-17' });
    const before = await openTask(ticket.id);

    const refused: [unknown, number, RegExp][] = [
      [{ technician: 'ghost', reason: 'x' }, 422, /No user named ghost/],
      [{ technician: 'boris', reason: 'x' }, 422, /lacks heating skill/],
      [{ technician: 'dana', reason: 'x' }, 422, /not a technician/],
      [{ technician: 'clara' }, 400, /reason/],
      [{ technician: 'clara', reason: '   ' }, 400, /reason/],
    ];
    for (const [body, status, message] of refused) {
      const response = await dispatcher.request('POST', `/api/instances/${ticket.id}/dispatch`, body);
      expect(response.status, JSON.stringify(body)).to.equal(status);
      expect(JSON.stringify(response.body)).to.match(message);
    }
    expect(await openTask(ticket.id)).to.deep.equal(before);
    // a technician cannot reassign their own visit
    expect((await (await t.http.as('anna')).request('POST', `/api/instances/${ticket.id}/dispatch`, { technician: 'clara', reason: 'swap' })).status).to.equal(403);

    const ok = await dispatcher.request('POST', `/api/instances/${ticket.id}/dispatch`, { technician: 'clara', reason: 'customer asked for Clara' });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const after = await openTask(ticket.id);
    expect(after).to.include({ assignee: 'clara' });
    expect(after.history.at(-1)).to.include({ action: 'handed-over', by: 'dana', reason: 'customer asked for Clara' });
    const overridden = (await t.baton.store.audit.forInstance(ticket.id)).find((event) => event.type === 'dispatch.overridden')!;
    expect(overridden.data).to.include({ from: 'anna', to: 'clara', reason: 'customer asked for Clara' });
  });

  it('given nobody has the skill, then the visit waits in the dispatch queue with the reason', async () => {
    await fiveTechnicians();
    await t.http.request('POST', '/api/assets', { id: 'LIFT-1', type: 'elevator', address: 'Tower 1', lat: 52.5, lon: 13.4 });
    const ticket = await startVisit({ equipmentId: 'LIFT-1' });
    const task = await openTask(ticket.id);
    expect(task).to.include({ elementId: 'manual', department: 'dispatch' });
    const instance = (await t.http.request('GET', `/api/instances/${ticket.id}`)).body as { variables: Record<string, unknown> };
    expect(instance.variables['dispatchSummary']).to.equal('Nobody can take it: no available technician has the elevator skill');
  });

  it('refuses bad resources clearly and keeps nothing of them', async () => {
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/parts', { sku: 'P 1', name: 'x', price: 1 }, 400],
      ['POST', '/api/parts', { sku: 'P-1', name: 'x', price: -1 }, 400],
      ['POST', '/api/parts', { sku: 'P-1', name: 'x', price: '1e400' }, 400],
      ['PUT', '/api/stock/central/NOPE', { quantity: 1 }, 404],
      ['POST', '/api/assets', { id: 'A-1', type: 'pump', address: 'x', lat: 91, lon: 0 }, 400],
      ['POST', '/api/assets', { id: 'A-1', type: 'pump', address: 'x', lat: 1, lon: 0, extra: true }, 400],
      ['POST', '/api/warehouses', { id: 'van:x', name: 'x', address: 'x', lat: 1, lon: 1 }, 400],
      ['GET', '/api/assets/NOPE', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) expect((await t.http.request(method, path, body)).status, `${method} ${path} ${JSON.stringify(body)}`).to.equal(status);
    expect((await t.http.request('GET', '/api/parts')).body).to.deep.equal([]);
    expect((await t.http.request('GET', '/api/assets')).body).to.deep.equal([]);
    // staff read, only admins write
    await addUser(t.baton, 'sam', 'staff', ['technicians']);
    const sam = await t.http.as('sam');
    expect((await sam.request('GET', '/api/parts')).status).to.equal(200);
    expect((await sam.request('POST', '/api/parts', { sku: 'P-1', name: 'x', price: 1 })).status).to.equal(403);
  });

  it('imports parts and assets from CSV, all or nothing', async () => {
    const parts = await t.http.request('POST', '/api/parts/import', 'sku,name,price\nP-1,Pump,99.5\nF-3,"Filter, small",4\n', { 'content-type': 'text/csv' });
    expect(parts.status, JSON.stringify(parts.body)).to.equal(200);
    expect((await t.http.request('GET', '/api/parts')).body).to.have.length(2);
    const bad = await t.http.request('POST', '/api/assets/import', 'id,type,address,lat,lon\nA-1,pump,Street 1,52.5,13.4\nA-2,pump,Street 2,north,13.4\n', { 'content-type': 'text/csv' });
    expect(bad.status).to.equal(400);
    expect(JSON.stringify(bad.body)).to.match(/row 3: lat/);
    expect((await t.http.request('GET', '/api/assets')).body).to.deep.equal([]);
    const good = await t.http.request('POST', '/api/assets/import', 'id,type,address,lat,lon,requiredSkills\nA-1,pump,Street 1,52.5,13.4,plumbing;heating\n', { 'content-type': 'text/csv' });
    expect(good.body).to.deep.equal({ imported: 1 });
    expect(((await t.http.request('GET', '/api/assets/A-1')).body as { requiredSkills: string[] }).requiredSkills).to.deep.equal(['plumbing', 'heating']);
  });

  it('refuses a CSV with a NUL anywhere before importing any row, on every store (PostgreSQL imported the rows before it, then answered 500)', async () => {
    const nul = await t.http.request('POST', '/api/parts/import', 'sku,name,price\nP-1,Pump,99.5\nF-3,Fil\u0000ter,4\n', { 'content-type': 'text/csv' });
    expect(nul.status).to.equal(400);
    expect(JSON.stringify(nul.body)).to.match(/NUL/);
    expect((await t.http.request('GET', '/api/parts')).body).to.deep.equal([]);
  });
});
