import { expect } from 'chai';

import type { ActivitiesReport, ThroughputReport } from '../../server/analytics/process-report.js';
import type { MonthlyReport } from '../../server/analytics/monthly-report.js';
import { addUser, bpmn } from '../support/harness.js';
import { useTestServer } from '../support/test-server.js';
import { HOUR, MINUTE, scriptMonth, type Month } from './scripted-month.js';

const NOV = { from: '2026-11-01', to: '2026-12-01' };

describe('Reports from the audit log: a scripted month', () => {
  const server = useTestServer();
  let month: Month;

  beforeEach(async () => {
    month = await scriptMonth(server.baton, (username) => server.http.as(username));
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await server.http.request('GET', path);
    expect(res.status, res.text).to.equal(200);
    return res.body as T;
  };

  it('counts who resolved, passed up, handed over, was escalated and reopened, with handling time and CSAT', async () => {
    // given the scripted November; when the admin reads its monthly report
    const report = await get<MonthlyReport>('/api/reports/monthly?month=2026-11');
    // then every person's figures are exact
    const csat = (average: number | null, count: number) => ({ average, count });
    expect(report.month).to.equal('2026-11');
    expect(report.people).to.deep.equal([
      { username: 'ada', department: 'first-line', resolved: 3, passedUp: 1, handedOver: 1, escalated: 1, reopened: 1, medianHandlingMs: 10 * MINUTE, csat: csat(5, 1), passedUpCsat: csat(4, 1) },
      { username: 'bob', department: 'l1', resolved: 2, passedUp: 0, handedOver: 0, escalated: 0, reopened: 0, medianHandlingMs: 15 * MINUTE, csat: csat(4, 1), passedUpCsat: csat(null, 0) },
      { username: 'carl', department: 'l2', resolved: 1, passedUp: 0, handedOver: 0, escalated: 0, reopened: 0, medianHandlingMs: 10 * MINUTE, csat: csat(null, 0), passedUpCsat: csat(null, 0) },
    ]);
    // and every department's, by where the tasks were when it happened
    expect(report.departments.map((d) => [d.department, d.resolved, d.passedUp, d.handedOver, d.escalated, d.reopened, d.medianHandlingMs, d.csat.average])).to.deep.equal([
      ['first-line', 4, 1, 1, 1, 1, 10 * MINUTE, 5],
      ['l1', 1, 0, 0, 0, 0, 15 * MINUTE, 4],
      ['l2', 1, 0, 0, 0, 0, 10 * MINUTE, null],
    ]);
    expect(report.departments[0]!.name).to.equal('First line (service desk)');
    // and another month is empty
    expect(await get<MonthlyReport>('/api/reports/monthly?month=2026-10')).to.deep.equal({ month: '2026-10', departments: [], people: [] });
  });

  it('gives the same figures as CSV, one row per department and person', async () => {
    const res = await server.http.request('GET', '/api/reports/monthly?month=2026-11&format=csv');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).to.equal('kind,department,username,resolved,passedUp,handedOver,escalated,reopened,medianHandlingMs,csatAverage,csatCount,passedUpCsatAverage,passedUpCsatCount');
    expect(lines).to.include('person,first-line,ada,3,1,1,1,1,600000,5,1,4,1');
    expect(lines).to.include('department,l2,,1,0,0,0,0,600000,,0,,0');
    expect(lines).to.have.length(7);
  });

  it('gives every process table as CSV, numbers as numbers and names defused', async () => {
    const csv = async (path: string) => {
      const res = await server.http.request('GET', path);
      expect(res.status, res.text).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/csv/);
      return res.text.trim().split('\n');
    };
    const activities = await csv(`/api/analytics/processes/desk/activities?from=${NOV.from}&to=${NOV.to}&format=csv`);
    expect(activities[0]).to.equal('elementId,name,count,queueP50Ms,queueP90Ms,workP50Ms,workP90Ms,waitingOnCustomerP50Ms,slaBreached,bottleneck');
    expect(activities).to.include('first,First line,6,300000,600000,1200000,3300000,,1,true');
    const throughput = await csv(`/api/analytics/processes/desk/throughput?from=2026-11-02&to=2026-11-04&format=csv`);
    // cycle times t1 30, t2 60, t3 40, t4 30 min
    expect(throughput[1]).to.equal(`2026-11-02T00:00:00.000Z,4,4,0,${30 * MINUTE},${60 * MINUTE}`);
    expect(await csv(`/api/analytics/processes/desk/sla?from=${NOV.from}&to=${NOV.to}&format=csv`)).to.deep.equal(['department,met,breached', 'first-line,4,1', 'l1,1,0']);
    expect((await csv(`/api/analytics/processes/desk/compare?from=${NOV.from}&to=${NOV.to}&a=1&b=1&format=csv`))[1]).to.match(/^1,5,5,/);
    expect(await csv(`/api/analytics/processes/desk/field?from=${NOV.from}&to=${NOV.to}&department=l2&format=csv`)).to.deep.equal([
      'username,jobs,firstTimeFix,firstTimeFixRate,onTime,onTimeRate,medianJobMs',
      `carl,1,1,1,1,1,${40 * MINUTE}`,
    ]);
    // given a step whose name a spreadsheet would run as a formula, with a ticket waiting in it
    await server.baton.definitions.deploy(
      bpmn(
        'evil',
        `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
      <bpmn:userTask id="t" name="=HYPERLINK(&quot;http://evil&quot;)" camunda:candidateGroups="l1" />
      <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />`,
      ),
    );
    await server.baton.instances.start({ processKey: 'evil', variables: {}, businessKey: null }, 'test');
    const defused = await csv(`/api/analytics/processes/evil/activities?from=${NOV.from}&to=${NOV.to}&format=csv`);
    expect(defused.find((line) => line.startsWith('t,'))).to.equal(`t,"'=HYPERLINK(""http://evil"")",1,,,,,,0,false`);
  });

  it('filters the monthly report by department', async () => {
    const report = await get<MonthlyReport>('/api/reports/monthly?month=2026-11&department=l1');
    expect(report.departments.map((d) => d.department)).to.deep.equal(['l1']);
    expect(report.people.map((p) => p.username)).to.deep.equal(['bob']);
  });

  it('gives each activity its count, queue and work time, customer wait, SLA breaches and the bottleneck', async () => {
    const desk = await get<ActivitiesReport>(`/api/analytics/processes/desk/activities?from=${NOV.from}&to=${NOV.to}`);
    const first = desk.activities.find((a) => a.elementId === 'first')!;
    // six first-line tasks (t4 twice): queues 10, 5, 5, 5, 5, 5 min; work of the five completed 20, 55, 35, 10, 10 min
    expect(first).to.deep.include({ name: 'First line', count: 6, queueMs: { p50: 5 * MINUTE, p90: 10 * MINUTE }, workMs: { p50: 20 * MINUTE, p90: 55 * MINUTE }, slaBreached: 1 });
    expect(desk.activities.find((a) => a.elementId === 'second')).to.deep.include({
      count: 1,
      queueMs: { p50: 30 * MINUTE, p90: 30 * MINUTE },
      workMs: { p50: 10 * MINUTE, p90: 10 * MINUTE },
      slaBreached: 0,
    });
    expect(desk.activities.find((a) => a.elementId === 'gw')).to.deep.include({ count: 5, slaBreached: 0 });
    expect(desk.bottleneck).to.equal('first');
    expect(desk.flows.find((f) => f.elementId === 'f4')).to.deep.equal({ elementId: 'f4', count: 1 });
    expect(desk.flows.find((f) => f.elementId === 'f1')).to.deep.equal({ elementId: 'f1', count: 5 });

    const ask = await get<ActivitiesReport>(`/api/analytics/processes/ask/activities?from=${NOV.from}&to=${NOV.to}&version=1`);
    expect(ask.activities.find((a) => a.elementId === 'answer')).to.deep.include({ count: 1, waitingOnCustomerMs: { p50: 3 * HOUR } });
    expect(ask.activities.find((a) => a.elementId === 'work')).to.deep.include({ queueMs: { p50: 10 * MINUTE, p90: 10 * MINUTE }, waitingOnCustomerMs: { p50: null } });
    expect(ask.bottleneck).to.equal('answer');
  });

  it('gives throughput, SLA met vs breached per department and first-contact resolution', async () => {
    // t1–t4 start on 2 November (every 4 h from 08:00), t6 on the 3rd at 04:00
    const report = await get<ThroughputReport>(`/api/analytics/processes/desk/throughput?from=2026-11-02&to=2026-11-04&bucket=day`);
    expect(report.buckets.map((b) => [b.start.slice(0, 10), b.started, b.finished, b.backlog])).to.deep.equal([
      ['2026-11-02', 4, 4, 0],
      ['2026-11-03', 1, 1, 0],
    ]);
    expect(report.sla).to.deep.equal([
      { department: 'first-line', met: 4, breached: 1 },
      { department: 'l1', met: 1, breached: 0 },
    ]);
    // only t1 was resolved by its first task, never passed on
    expect(report.firstContactResolution).to.deep.equal({ resolved: 5, firstContact: 1, rate: 0.2 });
    const week = await get<ThroughputReport>(`/api/analytics/processes/desk/throughput?from=${NOV.from}&to=${NOV.to}&bucket=week`);
    expect(week.buckets[0]!.start).to.equal('2026-10-26T00:00:00.000Z');
    expect(week.buckets.reduce((n, b) => n + b.finished, 0)).to.equal(5);
  });

  it('compares two versions of a process and gives field KPIs per person', async () => {
    const compared = await get<{ versions: { version: number; started: number; passUpRate: number; csat: { average: number } }[] }>(
      `/api/analytics/processes/desk/compare?from=${NOV.from}&to=${NOV.to}&a=1&b=1`,
    );
    expect(compared.versions[0]).to.deep.include({ version: 1, started: 5, passUpRate: 0.2, csat: { average: 4.5, count: 2 } });
    const field = await get<{ technicians: { username: string; jobs: number; firstTimeFix: number }[] }>(`/api/analytics/processes/desk/field?from=${NOV.from}&to=${NOV.to}&department=first-line`);
    // ada's jobs in desk: t1 and t4 twice; the first t4 came back to her: not a first-time fix
    expect(field.technicians.find((t) => t.username === 'ada')).to.deep.include({ jobs: 3, firstTimeFix: 2 });
  });

  it('rebuilds the projection from the audit log to exactly the live one', async () => {
    await get('/api/reports/monthly?month=2026-11');
    const analytics = server.baton.store.analytics!;
    const live = await analytics.dump();
    expect(live['analytics_tasks']).to.have.length(9);
    const rebuilt = await server.http.request('POST', '/api/analytics/rebuild', {});
    expect(rebuilt.status, rebuilt.text).to.equal(200);
    expect(await analytics.dump()).to.deep.equal(live);
    // and a second catch-up folds nothing twice
    expect(await server.baton.projector!.catchUp()).to.equal(0);
    expect(await analytics.dump()).to.deep.equal(live);
    void month;
  });
});

describe('Reports: who may read what', () => {
  const server = useTestServer();

  beforeEach(async () => {
    await scriptMonth(server.baton, (username) => server.http.as(username));
    await addUser(server.baton, 'olga', 'auditor');
  });

  it('lets staff read only their own figures; others and process analytics are 403', async () => {
    const ada = await server.http.as('ada');
    const own = await ada.request('GET', '/api/reports/monthly?month=2026-11');
    expect(own.status).to.equal(200);
    expect((own.body as MonthlyReport).people.map((p) => p.username)).to.deep.equal(['ada']);
    expect((own.body as MonthlyReport).departments).to.deep.equal([]);
    expect((await ada.request('GET', '/api/reports/monthly?month=2026-11&person=ada')).status).to.equal(200);
    expect((await ada.request('GET', '/api/reports/monthly?month=2026-11&person=bob')).status).to.equal(403);
    expect((await ada.request('GET', '/api/reports/monthly?month=2026-11&department=first-line')).status).to.equal(403);
    expect((await ada.request('GET', `/api/analytics/processes/desk/activities?from=${NOV.from}&to=${NOV.to}`)).status).to.equal(403);
    expect((await ada.request('POST', '/api/analytics/rebuild', {})).status).to.equal(403);
    const olga = await server.http.as('olga');
    expect((await olga.request('GET', '/api/reports/monthly?month=2026-11&person=bob')).status).to.equal(200);
    expect((await olga.request('GET', `/api/analytics/processes/desk/throughput?from=${NOV.from}&to=${NOV.to}`)).status).to.equal(200);
  });

  it('answers bad input with a 400 that names it, and an unknown process with 404', async () => {
    for (const path of [
      '/api/reports/monthly?month=2026-13',
      '/api/reports/monthly',
      '/api/reports/monthly?month=2026-11&format=xls',
      '/api/analytics/processes/desk/activities?from=2026-12-01&to=2026-11-01',
      '/api/analytics/processes/desk/activities?from=yesterday&to=2026-11-01',
      '/api/analytics/processes/desk/throughput?from=2020-01-01&to=2026-01-01&bucket=day',
      '/api/analytics/processes/desk/compare?from=2026-11-01&to=2026-12-01&a=1',
    ]) {
      const res = await server.http.request('GET', path);
      expect(res.status, path).to.equal(400);
      expect((res.body as { error: { message: string } }).error.message, path)
        .to.be.a('string')
        .and.not.equal('');
    }
    expect((await server.http.request('GET', `/api/analytics/processes/nope/activities?from=${NOV.from}&to=${NOV.to}`)).status).to.equal(404);
    expect((await server.http.request('GET', `/api/analytics/processes/desk/compare?from=${NOV.from}&to=${NOV.to}&a=1&b=9`)).status).to.equal(404);
  });
});
