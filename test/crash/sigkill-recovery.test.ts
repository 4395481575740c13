import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { adminHeaders, startServerProcess, type ExitStatus, type ServerProcess } from '../support/server-process.js';
import { violations } from './invariants.js';
import { LoadDriver, type ItemResult } from './load-driver.js';

const PROCESS_KEY = 'crash-recovery';
const USER_TASKS = ['triage', 'resolve'];
/** Requests that change state per item: the start and one completion per user task. */
const WORK_PER_ITEM = 1 + USER_TASKS.length;

/** Plain BPMN, no diagram layout: start → Triage (first line) → Resolve (L1) → end. */
const PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_crash" targetNamespace="http://baton.test/crash">
  <bpmn:process id="${PROCESS_KEY}" name="Crash recovery" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage" />
    <bpmn:userTask id="triage" name="Triage" camunda:candidateGroups="first-line" />
    <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="resolve" />
    <bpmn:userTask id="resolve" name="Resolve" camunda:candidateGroups="l1" />
    <bpmn:sequenceFlow id="f3" sourceRef="resolve" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

interface Outcome {
  results: ItemResult[];
  driver: LoadDriver;
  first: ServerProcess;
  firstExit: ExitStatus;
  second: ServerProcess;
  progressAtSignal: number;
  businessKeys: string[];
  headers: Record<string, string>;
}

describe('crash recovery of the real server process', function () {
  this.timeout(90_000);

  const servers: ServerProcess[] = [];
  const dirs: string[] = [];

  after(async () => {
    // Whatever happened: no server outlives the test, no temp dir stays behind.
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function start(dataDir: string, processesDir: string): Promise<ServerProcess> {
    const server = await startServerProcess({ dataDir, processesDir });
    servers.push(server);
    return server;
  }

  /**
   * Deploys the process on a fresh server, drives `items` instances through it with `workers`,
   * sends `signal` to the server after a third of the work, starts a second server on the same
   * data directory and lets the driver finish against it.
   */
  async function runWithInterruption(options: { items: number; workers: number; signal: NodeJS.Signals; keyPrefix: string; loseAnswerEvery: number }): Promise<Outcome> {
    const root = mkdtempSync(path.join(tmpdir(), 'baton-crash-'));
    dirs.push(root);
    const dataDir = path.join(root, 'data');
    const processesDir = path.join(root, 'processes');
    mkdirSync(processesDir);

    const first = await start(dataDir, processesDir);
    const headers = await adminHeaders(first.baseUrl);
    const deployed = await fetch(`${first.baseUrl}/api/definitions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: PROCESS_XML,
    });
    expect(deployed.status, await deployed.clone().text()).to.equal(201);
    expect(((await deployed.json()) as { key: string }).key).to.equal(PROCESS_KEY);

    const driver = new LoadDriver({
      baseUrl: first.baseUrl,
      headers,
      processKey: PROCESS_KEY,
      keyPrefix: options.keyPrefix,
      items: options.items,
      workers: options.workers,
      loseAnswerEvery: options.loseAnswerEvery,
    });
    const run = driver.run();
    const totalWork = options.items * WORK_PER_ITEM;
    await Promise.race([
      driver.whenProgress(Math.round(totalWork / 3)),
      run.then(() => {
        throw new Error('the driver finished before the server could be interrupted');
      }),
    ]);
    const progressAtSignal = driver.progress;
    first.kill(options.signal);
    const firstExit = await first.waitForExit();

    const second = await start(dataDir, processesDir);
    driver.retarget(second.baseUrl);
    const results = await run;
    const businessKeys = Array.from({ length: options.items }, (_, n) => `${options.keyPrefix}-${n}`);
    return { results, driver, first, firstExit, second, progressAtSignal, businessKeys, headers };
  }

  it('SIGKILL in the middle of 200 instances: after a restart every instance finishes exactly once, no task twice', async () => {
    // given: a server on a fresh data directory with the two-task process, and 20 workers
    //        pushing 200 instances through it (start, complete Triage, complete Resolve)
    // when: after a third of the work the server is killed with SIGKILL (no shutdown at all),
    //       and a new server is started on the same data directory; the workers resend every
    //       request whose answer was lost to it (and every 10th item also loses the answers to
    //       its start and its completions on purpose, so the 409 paths run for certain)
    const outcome = await runWithInterruption({ items: 200, workers: 20, signal: 'SIGKILL', keyPrefix: 'crash', loseAnswerEvery: 10 });

    // then: the first server really died of the kill, in the middle of the run and under load
    expect(outcome.firstExit).to.deep.equal({ code: null, signal: 'SIGKILL' });
    expect(outcome.progressAtSignal).to.be.lessThan((200 * WORK_PER_ITEM) / 2);
    expect(outcome.driver.stats.networkErrors, 'requests cut off by the kill').to.be.greaterThan(0);
    expect(outcome.second.port).to.not.equal(0);
    // and: resent starts and completions were refused, never carried out twice: the server said
    //      201 at most once per item and 200 at most once per task
    expectRetriesRefused(outcome, 200);
    // and: the driver saw every item through
    expect(outcome.results.map((result) => result.businessKey)).to.deep.equal(outcome.businessKeys);
    // and: exactly 200 completed instances, one per business key, unique tickets, two completed
    //      tasks each (one per user task), intact audit chains with one start and one end each
    expect(await violations({ baseUrl: outcome.second.baseUrl, headers: outcome.headers, processKey: PROCESS_KEY, businessKeys: outcome.businessKeys, userTasks: USER_TASKS })).to.deep.equal([]);
    // and: the ids the driver worked with are the ones stored
    const stored = new Set(outcome.results.map((result) => result.instanceId));
    expect(stored.size).to.equal(200);
    // and: the restarted server logged no unexpected error
    expect(errorLines(outcome.second)).to.deep.equal([]);
  });

  it('SIGTERM under load: the server stops cleanly, and after a restart the same invariants hold', async () => {
    // given: a server with the process and 10 workers pushing 60 instances through it
    // when: after a third of the work the server gets SIGTERM, then a new server starts on the
    //       same data directory and the workers finish against it
    const outcome = await runWithInterruption({ items: 60, workers: 10, signal: 'SIGTERM', keyPrefix: 'term', loseAnswerEvery: 10 });

    // then: the first server finished its steps, said so and exited with 0
    expect(outcome.firstExit).to.deep.equal({ code: 0, signal: null });
    expect(outcome.first.logs.map((line) => line.msg)).to.include('stopped cleanly');
    expect(errorLines(outcome.first)).to.deep.equal([]);
    expectRetriesRefused(outcome, 60);
    // and: every item finished exactly once, with the same invariants as after a crash
    expect(outcome.results.map((result) => result.businessKey)).to.deep.equal(outcome.businessKeys);
    expect(await violations({ baseUrl: outcome.second.baseUrl, headers: outcome.headers, processKey: PROCESS_KEY, businessKeys: outcome.businessKeys, userTasks: USER_TASKS })).to.deep.equal([]);
    expect(errorLines(outcome.second)).to.deep.equal([]);
  });
});

/** Every lost answer was followed by a refused retry, and nothing was accepted twice. */
function expectRetriesRefused(outcome: Outcome, items: number): void {
  const { stats } = outcome.driver;
  const losing = Math.ceil(items / 10);
  const summary = JSON.stringify(stats);
  expect(stats.answersLost, summary).to.equal(losing * WORK_PER_ITEM);
  expect(stats.startConflicts, summary).to.be.at.least(losing);
  expect(stats.completionConflicts, summary).to.be.at.least(losing * USER_TASKS.length);
  expect(stats.started, summary).to.be.at.most(items);
  expect(stats.completed, summary).to.be.at.most(items * USER_TASKS.length);
}

/** Log lines at error level or worse (pino: 50 error, 60 fatal). */
function errorLines(server: ServerProcess): string[] {
  return server.logs.filter((line) => (line.level ?? 0) >= 50).map((line) => JSON.stringify(line));
}
