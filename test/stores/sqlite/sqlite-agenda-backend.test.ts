import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import Database from 'better-sqlite3';
import { Agenda, toJobId, type Job, type JobParameters } from 'agenda';
import { SqliteAgendaBackend } from '../../../server/stores/sqlite/sqlite-agenda-backend.js';
import type { StoredJob } from '../../../server/stores/agenda-jobs.js';
import { SqliteJobRepository } from '../../../server/stores/sqlite/sqlite-job.repository.js';
import { SCHEMA_VERSION, configureConnection, migrate } from '../../../server/stores/sqlite/sqlite-schema.js';
import { openSqliteStore, type SqliteStore } from '../../../server/stores/sqlite/sqlite-store.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Polls `condition` every 10 ms; fails with `what` if it is not true by the deadline. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A promise plus its resolver: lets a test hold a job handler open until it says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((done) => {
    open = done;
  });
  return { opened, open };
}

function newJob(overrides: Partial<JobParameters> = {}): JobParameters {
  return { name: 'job', priority: 0, nextRunAt: new Date(), type: 'normal', data: {}, ...overrides };
}

function idOf(job: JobParameters | null | undefined): string {
  if (!job?._id) throw new Error('job has no id');
  return job._id;
}

describe('SqliteAgendaBackend', function () {
  let dir = '';
  let files = 0;
  const freshFile = (): string => {
    files += 1;
    return join(dir, `agenda-${files}.db`);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-agenda-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('repository', () => {
    let file = '';
    let store: SqliteStore;
    let repo: SqliteJobRepository;
    // The repository's clock, so time-dependent rules can be checked without waiting.
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const at = (offsetMs: number): Date => new Date(clock.getTime() + offsetMs);
    const scan = { nextScanAt: (): Date => at(5_000), lockDeadline: (): Date => at(-600_000) };
    const next = (name: string, target = repo): Promise<JobParameters | undefined> => target.getNextJobToRun(name, scan.nextScanAt(), scan.lockDeadline(), clock, undefined);
    const save = (overrides: Partial<JobParameters> = {}): Promise<JobParameters> => repo.saveJob(newJob({ nextRunAt: clock, ...overrides }), undefined);
    const extra: Database.Database[] = [];

    beforeEach(() => {
      clock = new Date('2030-01-01T00:00:00.000Z');
      file = freshFile();
      store = openSqliteStore(file);
      repo = new SqliteJobRepository(store.db, () => clock);
    });
    afterEach(async () => {
      for (const db of extra.splice(0)) db.close();
      await store.close();
    });

    describe('schema', () => {
      it('migrates a version 1 database to the current version with the agenda_jobs table', async () => {
        // given a database at schema version 1
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
        const old = new Database(file);
        configureConnection(old);
        migrate(old, 1);
        expect(old.prepare("SELECT name FROM sqlite_master WHERE name = 'agenda_jobs'").get()).to.equal(undefined);
        old.close();
        // when it is opened again
        store = openSqliteStore(file);
        // then it is at the current version and the repository works on it
        expect(store.db.pragma('user_version', { simple: true })).to.equal(SCHEMA_VERSION);
        const saved = await new SqliteJobRepository(store.db).saveJob(newJob(), undefined);
        expect(saved._id).to.be.a('string');
      });

      it('refuses a database without the table instead of failing on first use', () => {
        // given a bare database
        const raw = new Database(':memory:');
        extra.push(raw);
        // when a repository is built on it
        // then construction fails and says why
        expect(() => new SqliteJobRepository(raw)).to.throw(/agenda_jobs/);
      });

      it("finds the next job and an instance's jobs through indexes", () => {
        // given the schema
        const plan = (sql: string): string =>
          store.db
            .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
            .all()
            .map((row) => row.detail)
            .join(' | ');
        // when the planner explains the hot queries
        const nextToRun = plan(
          `SELECT id FROM agenda_jobs WHERE name = 'n' AND disabled = 0
           AND ((locked_at IS NULL AND next_run_at <= 1) OR locked_at <= 0)`,
        );
        const ofInstance = plan("SELECT * FROM agenda_jobs WHERE instance_id = 'i' AND name = 'n'");
        // then both use an index rather than scanning the table
        expect(nextToRun).to.include('agenda_jobs_next_to_run');
        expect(ofInstance).to.include('agenda_jobs_instance');
      });
    });

    describe('saveJob', () => {
      it('inserts a new job with an id and reads every field back exactly', async () => {
        // given a job using every persisted field, including a numeric and a numeric-looking
        // string repeat interval
        const fields: Omit<JobParameters, '_id'> = {
          name: 'everything',
          priority: 10,
          nextRunAt: at(1000),
          type: 'normal',
          data: { instanceId: 'inst-1', nested: { list: [1, 'two', null], flag: true } },
          lockedAt: at(1),
          lastRunAt: at(2),
          lastFinishedAt: at(3),
          failedAt: at(4),
          failCount: 2,
          failReason: 'boom',
          repeatInterval: 5000,
          repeatTimezone: 'Europe/Berlin',
          repeatAt: '3:30pm',
          disabled: true,
          progress: 42.5,
          unique: { 'data.instanceId': 'inst-1' },
          lastModifiedBy: 'node-a',
          startDate: at(-1000),
          endDate: at(100_000),
          skipDays: [0, 6],
          debounceStartedAt: at(5),
          fork: false,
        };
        // when it is saved and read back
        const saved = await repo.saveJob({ ...fields }, { lastModifiedBy: 'node-a' });
        const read = await repo.getJobById(idOf(saved));
        const asString = await save({ name: 'string-interval', repeatInterval: '5000' });
        // then every field survives, types included, and the id is the same
        const { _id, generation, ...rest } = read as StoredJob;
        expect(_id).to.equal(saved._id);
        expect(generation).to.be.a('string');
        expect(rest).to.deep.equal(fields);
        expect((await repo.getJobById(idOf(asString)))?.repeatInterval).to.equal('5000');
        expect(store.db.prepare('SELECT instance_id FROM agenda_jobs WHERE id = ?').pluck().get(_id)).to.equal('inst-1');
      });

      it('keeps null and absent data apart', async () => {
        // given jobs with null data and with no data
        const withNull = await save({ data: null });
        const without = await save({ data: undefined });
        // when read back
        // then null stays null and absent stays absent
        expect((await repo.getJobById(idOf(withNull)))?.data).to.equal(null);
        expect((await repo.getJobById(idOf(without)))?.data).to.equal(undefined);
      });

      it('updates an existing job by id and leaves run state it was not given alone', async () => {
        // given a saved job that agenda has locked
        const saved = await save({ priority: 5, data: { version: 1 } });
        await repo.lockJob(saved, undefined);
        // when it is saved again by id with new definition fields only (what Job.save sends)
        const { lockedAt: _lock, ...definition } = (await repo.getJobById(idOf(saved))) ?? newJob();
        const updated = await repo.saveJob({ ...definition, priority: 20, data: { version: 2 } }, undefined);
        // then the same row changed, and its lock is still there
        expect(updated._id).to.equal(saved._id);
        expect(updated.priority).to.equal(20);
        expect(updated.data).to.deep.equal({ version: 2 });
        expect(updated.lockedAt?.getTime()).to.equal(clock.getTime());
        expect((await repo.queryJobs()).total).to.equal(1);
      });

      it('does not re-create a job saved by id after it was removed', async () => {
        // given a saved job that was then removed
        const saved = await save();
        await repo.removeJobs({ id: idOf(saved) });
        // when it is saved again by id
        const result = await repo.saveJob({ ...saved, priority: 3 }, undefined);
        // then the caller gets its data back and the table stays empty
        expect(result.priority).to.equal(3);
        expect((await repo.queryJobs()).total).to.equal(0);
      });

      it('keeps one row per name for single jobs and keeps an existing next run on re-registration', async () => {
        // given a single (every()) job whose next run is an hour away
        const first = await save({ name: 'tick', type: 'single', nextRunAt: at(3_600_000), data: { run: 1 } });
        // when it is registered again, as every() does on start, with nextRunAt = now
        const second = await save({ name: 'tick', type: 'single', nextRunAt: clock, priority: 10, data: { run: 2 } });
        // then it is the same row, updated, but still due in an hour rather than now
        expect(second._id).to.equal(first._id);
        expect(second.priority).to.equal(10);
        expect(second.data).to.deep.equal({ run: 2 });
        expect(second.nextRunAt?.getTime()).to.equal(at(3_600_000).getTime());
        // and a future next run given explicitly does replace it
        const third = await save({ name: 'tick', type: 'single', nextRunAt: at(60_000) });
        expect(third.nextRunAt?.getTime()).to.equal(at(60_000).getTime());
        expect((await repo.queryJobs({ name: 'tick' })).total).to.equal(1);
      });

      it('upserts by a unique query, and insertOnly returns the existing job unchanged', async () => {
        // given a job unique by data.userId (number) and data.active (boolean)
        const unique = { 'data.userId': 7, 'data.active': true };
        const first = await save({ name: 'mail', data: { userId: 7, active: true, v: 1 }, unique });
        // when the same unique job is saved with new data, then with insertOnly
        const second = await save({ name: 'mail', data: { userId: 7, active: true, v: 2 }, unique });
        const third = await save({
          name: 'mail',
          data: { userId: 7, active: true, v: 3 },
          unique,
          uniqueOpts: { insertOnly: true },
        });
        const other = await save({
          name: 'mail',
          data: { userId: 8, active: true, v: 1 },
          unique: { 'data.userId': 8, 'data.active': true },
        });
        // then the first two saves hit one row, insertOnly left it alone, another key is new
        expect(second._id).to.equal(first._id);
        expect(second.data).to.deep.equal({ userId: 7, active: true, v: 2 });
        expect(third._id).to.equal(first._id);
        expect(third.data).to.deep.equal({ userId: 7, active: true, v: 2 });
        expect(other._id).to.not.equal(first._id);
        expect((await repo.queryJobs({ name: 'mail' })).total).to.equal(2);
      });

      it('debounces unique saves: trailing pushes the run back, bounded by maxWait', async () => {
        // given a trailing debounced job (delay 1 s, maxWait 1.5 s)
        const unique = { 'data.key': 'k' };
        const uniqueOpts = { debounce: { delay: 1000, maxWait: 1500 } };
        const first = await save({ name: 'deb', data: { key: 'k', v: 1 }, unique, uniqueOpts });
        // when it is saved again 400 ms and 900 ms later
        clock = at(400);
        const second = await save({ name: 'deb', data: { key: 'k', v: 2 }, unique, uniqueOpts });
        clock = at(500);
        const third = await save({ name: 'deb', data: { key: 'k', v: 3 }, unique, uniqueOpts });
        // then the run moved back each time, but not past the start of the window plus maxWait
        const started = first.debounceStartedAt?.getTime() ?? Number.NaN;
        expect(first.nextRunAt?.getTime()).to.equal(started + 1000);
        expect(second.nextRunAt?.getTime()).to.equal(started + 1400);
        expect(third.nextRunAt?.getTime()).to.equal(started + 1500);
        expect(third.data).to.deep.equal({ key: 'k', v: 3 });
        // and once maxWait has passed, a save makes it due now and closes the window
        clock = at(700);
        const fourth = await save({ name: 'deb', data: { key: 'k', v: 4 }, unique, uniqueOpts });
        expect(fourth.nextRunAt?.getTime()).to.equal(clock.getTime());
        expect(fourth.debounceStartedAt).to.equal(undefined);
        expect((await repo.queryJobs({ name: 'deb' })).total).to.equal(1);
      });

      it('debounces leading: runs at once, later saves in the window keep that run', async () => {
        // given a leading debounced job
        const unique = { 'data.key': 'l' };
        const uniqueOpts = { debounce: { delay: 5000, strategy: 'leading' as const } };
        const first = await save({ name: 'lead', data: { key: 'l', v: 1 }, unique, uniqueOpts });
        // when it is saved again inside the window
        clock = at(200);
        const second = await save({ name: 'lead', data: { key: 'l', v: 2 }, nextRunAt: clock, unique, uniqueOpts });
        // then the first run time stands and the data is the latest
        expect(first.nextRunAt?.getTime()).to.equal(at(-200).getTime());
        expect(second.nextRunAt?.getTime()).to.equal(first.nextRunAt?.getTime());
        expect(second.data).to.deep.equal({ key: 'l', v: 2 });
      });
    });

    describe('reading', () => {
      beforeEach(async () => {
        // given three jobs of two names with different times, priorities and data
        await save({ name: 'job-a', priority: 10, nextRunAt: at(60_000), data: { type: 'alpha', count: 1 } });
        await save({ name: 'job-b', priority: 5, nextRunAt: at(120_000), data: { type: 'beta', count: 2 } });
        await save({ name: 'job-a', priority: 15, nextRunAt: at(180_000), data: { type: 'alpha', count: 3, deep: { x: 1 } } });
      });

      it('queries by name, names, search, id(s) and partial data', async () => {
        // when queried with each filter
        const byName = await repo.queryJobs({ name: 'job-a' });
        const byNames = await repo.queryJobs({ names: ['job-a', 'job-b'] });
        const bySearch = await repo.queryJobs({ search: 'JOB' });
        const byLiteralPercent = await repo.queryJobs({ search: '%' });
        const byData = await repo.queryJobs({ data: { type: 'alpha' } });
        const byDeepData = await repo.queryJobs({ data: { deep: { x: 1 } } });
        const byIds = await repo.queryJobs({ ids: byName.jobs.map((job) => job._id) });
        const byId = await repo.queryJobs({ id: byName.jobs[0]?._id ?? '' });
        // then each returns exactly the matching jobs, with a computed state
        expect(byName.total).to.equal(2);
        expect(byName.jobs.every((job) => job.name === 'job-a' && job.state === 'scheduled')).to.equal(true);
        expect(byNames.total).to.equal(3);
        expect(bySearch.total).to.equal(3);
        expect(byLiteralPercent.total).to.equal(0);
        expect(byData.total).to.equal(2);
        expect(byDeepData.jobs.map((job) => job.data)).to.deep.equal([{ type: 'alpha', count: 3, deep: { x: 1 } }]);
        expect(byIds.total).to.equal(2);
        expect(byId.total).to.equal(1);
      });

      it('sorts, pages with skip and limit, and reports the total before paging', async () => {
        // when sorted by priority and paged
        const page = await repo.queryJobs({ sort: { priority: 'desc' }, skip: 1, limit: 1 });
        const defaultOrder = await repo.queryJobs();
        // then the page is the second highest priority and total counts all
        expect(page.total).to.equal(3);
        expect(page.jobs.map((job) => job.priority)).to.deep.equal([10]);
        // and the default order is latest next run first
        expect(defaultOrder.jobs.map((job) => job.priority)).to.deep.equal([15, 5, 10]);
      });

      it('filters by computed state and by disabled, and gives an overview per name', async () => {
        // given, besides the three scheduled jobs, a queued, a running, a failed, a completed,
        // a repeating and a disabled job
        await save({ name: 'job-c', nextRunAt: at(-1000) });
        const running = await save({ name: 'job-c', nextRunAt: at(-1000) });
        await repo.lockJob(running, undefined);
        await save({ name: 'job-c', nextRunAt: null, failedAt: at(-5), lastFinishedAt: at(-5), failReason: 'x' });
        await save({ name: 'job-c', nextRunAt: null, lastFinishedAt: at(-5) });
        await save({ name: 'job-c', nextRunAt: at(1000), repeatInterval: '1 minute' });
        await save({ name: 'job-c', nextRunAt: at(1000), disabled: true });
        // when queried by state, without disabled jobs, and for the overview
        const state = async (s: 'queued' | 'running' | 'failed' | 'completed' | 'repeating' | 'paused') => (await repo.queryJobs({ name: 'job-c', state: s })).total;
        const enabled = await repo.queryJobs({ includeDisabled: false });
        const overview = await repo.getJobsOverview();
        // then every state is found once, and the overview counts them per name
        expect(await state('queued')).to.equal(1);
        expect(await state('running')).to.equal(1);
        expect(await state('failed')).to.equal(1);
        expect(await state('completed')).to.equal(1);
        expect(await state('repeating')).to.equal(1);
        expect(await state('paused')).to.equal(1);
        expect(enabled.total).to.equal(8);
        expect(overview.map((o) => o.name)).to.deep.equal(['job-a', 'job-b', 'job-c']);
        expect(overview.find((o) => o.name === 'job-c')).to.deep.equal({
          name: 'job-c',
          total: 6,
          running: 1,
          scheduled: 1,
          queued: 1,
          completed: 1,
          failed: 1,
          repeating: 1,
          paused: 1,
        });
      });

      it('lists distinct names and counts the jobs that are due', async () => {
        // given two overdue jobs besides the three future ones
        await save({ name: 'late', nextRunAt: at(-60_000) });
        await save({ name: 'late', nextRunAt: at(-30_000) });
        // when names and queue size are asked for
        // then names are distinct and sorted, and only the overdue jobs count
        expect(await repo.getDistinctJobNames()).to.deep.equal(['job-a', 'job-b', 'late']);
        expect(await repo.getQueueSize()).to.equal(2);
        await repo.purgeAllJobs();
        expect(await repo.getDistinctJobNames()).to.deep.equal([]);
      });
    });

    describe('removing, disabling, purging', () => {
      it('removes by id, ids, name, names, notNames and data, and nothing without criteria', async () => {
        // given jobs of several names
        const one = await save({ name: 'a' });
        const two = await save({ name: 'a' });
        const three = await save({ name: 'b', data: { instanceId: 'i-1' } });
        await save({ name: 'c' });
        await save({ name: 'd' });
        await save({ name: 'e' });
        // when removed selector by selector
        // then each removes exactly its matches
        expect(await repo.removeJobs({})).to.equal(0);
        expect(await repo.removeJobs({ id: idOf(one) })).to.equal(1);
        expect(await repo.getJobById(idOf(one))).to.equal(null);
        expect(await repo.removeJobs({ ids: [idOf(two), 'missing'] })).to.equal(1);
        expect(await repo.removeJobs({ data: { instanceId: 'i-1' } })).to.equal(1);
        expect(await repo.getJobById(idOf(three))).to.equal(null);
        expect(await repo.removeJobs({ name: 'c' })).to.equal(1);
        expect(await repo.removeJobs({ names: ['d', 'nope'] })).to.equal(1);
        expect(await repo.removeJobs({ notNames: ['e'] })).to.equal(0);
        await save({ name: 'f' });
        expect(await repo.removeJobs({ notNames: ['e'] })).to.equal(1);
        expect(await repo.getDistinctJobNames()).to.deep.equal(['e']);
      });

      it('disables and enables by selector, and a disabled job is not handed out', async () => {
        // given two due jobs of one name
        await save({ name: 'dis', nextRunAt: at(-1000) });
        await save({ name: 'dis', nextRunAt: at(-1000) });
        // when they are disabled
        expect(await repo.disableJobs({ name: 'dis' })).to.equal(2);
        expect(await repo.disableJobs({})).to.equal(0);
        // then none is handed out, until they are enabled again
        expect(await next('dis')).to.equal(undefined);
        expect(await repo.enableJobs({ name: 'dis' })).to.equal(2);
        expect(await next('dis')).to.not.equal(undefined);
      });

      it('purges every job', async () => {
        // given jobs of two names
        await save({ name: 'x' });
        await save({ name: 'y' });
        // when all are purged
        // then the count is returned and the table is empty
        expect(await repo.purgeAllJobs()).to.equal(2);
        expect((await repo.queryJobs()).total).to.equal(0);
      });
    });

    describe('locking', () => {
      it('locks an unlocked, unchanged job once; a second lock fails', async () => {
        // given a due job
        const saved = await save({ nextRunAt: at(-1000) });
        // when it is locked twice from the same (unlocked) copy
        const first = await repo.lockJob(saved, undefined);
        const second = await repo.lockJob(saved, undefined);
        // then only the first succeeds, stamped with the repository's clock
        expect(first?._id).to.equal(saved._id);
        expect(first?.lockedAt?.getTime()).to.equal(clock.getTime());
        expect(second).to.equal(undefined);
      });

      it('does not lock a copy whose next run is stale, nor a disabled job', async () => {
        // given a job rescheduled after a copy was taken, and a disabled job
        const saved = await save({ nextRunAt: at(-1000) });
        await repo.saveJob({ ...saved, nextRunAt: at(5000) }, undefined);
        const disabled = await save({ nextRunAt: at(-1000), disabled: true });
        // when the stale copy and the disabled job are locked
        // then neither lock is taken
        expect(await repo.lockJob(saved, undefined)).to.equal(undefined);
        expect(await repo.lockJob(disabled, undefined)).to.equal(undefined);
      });

      it('unlocks one or many jobs, but keeps the lock of a running one-shot job', async () => {
        // given two locked due jobs, and a one-shot job agenda is running (next run null)
        const one = await save({ nextRunAt: at(-1000) });
        const two = await save({ nextRunAt: at(-1000) });
        const running = await save({ nextRunAt: at(-1000) });
        await repo.lockJob(one, undefined);
        await repo.lockJob(two, undefined);
        const lockedRunning = await repo.lockJob(running, undefined);
        await repo.saveJobState({ ...(lockedRunning ?? running), nextRunAt: null, lastRunAt: clock }, undefined);
        // when they are unlocked
        await repo.unlockJob(one);
        await repo.unlockJobs([idOf(two), idOf(running)]);
        await repo.unlockJobs([]);
        // then the two are free, and the running one keeps the lock that lets a crash be recovered
        expect((await repo.getJobById(idOf(one)))?.lockedAt).to.equal(undefined);
        expect((await repo.getJobById(idOf(two)))?.lockedAt).to.equal(undefined);
        expect((await repo.getJobById(idOf(running)))?.lockedAt?.getTime()).to.equal(clock.getTime());
      });
    });

    describe('getNextJobToRun', () => {
      it('hands out due jobs by time, then priority, and locks them', async () => {
        // given jobs due at different times and with different priorities, one beyond the scan
        await save({ name: 'run', priority: 5, nextRunAt: at(-1000), data: { order: 'third' } });
        await save({ name: 'run', priority: 1, nextRunAt: at(-2000), data: { order: 'first' } });
        await save({ name: 'run', priority: 9, nextRunAt: at(-1000), data: { order: 'second' } });
        await save({ name: 'run', priority: 0, nextRunAt: at(4000), data: { order: 'fourth' } });
        await save({ name: 'run', priority: 99, nextRunAt: at(60_000), data: { order: 'later' } });
        await save({ name: 'other', nextRunAt: at(-5000) });
        // when jobs are taken until none is left
        const taken: unknown[] = [];
        for (let job = await next('run'); job; job = await next('run')) {
          expect(job.lockedAt?.getTime()).to.equal(clock.getTime());
          taken.push(job.data);
        }
        // then they come soonest first, higher priority first among equals, and the one beyond
        // the next scan and the other name's job stay
        expect(taken).to.deep.equal([{ order: 'first' }, { order: 'second' }, { order: 'third' }, { order: 'fourth' }]);
      });

      it('skips locked jobs but takes over a lock older than the lock deadline', async () => {
        // given a job locked just now and one whose lock expired (its node died mid-run)
        const fresh = await save({ name: 'lock', nextRunAt: at(-1000) });
        await repo.lockJob(fresh, undefined);
        const crashed = await save({ name: 'lock', nextRunAt: at(-1000) });
        clock = at(-700_000);
        await repo.lockJob(crashed, undefined);
        await repo.saveJobState({ ...crashed, lockedAt: clock, nextRunAt: null }, undefined);
        clock = at(700_000);
        // when the next job is asked for with a 10 minute lock lifetime
        const taken = await next('lock');
        // then the crashed job is handed out again, relocked now, and nothing else is
        expect(taken?._id).to.equal(crashed._id);
        expect(taken?.lockedAt?.getTime()).to.equal(clock.getTime());
        expect(await next('lock')).to.equal(undefined);
      });

      it('merges expired locks and unlocked due jobs in one order', async () => {
        // given two unlocked due jobs and, due between them, a job whose lock expired
        await save({ name: 'mix', nextRunAt: at(-3000), data: { order: 'first' } });
        await save({ name: 'mix', nextRunAt: at(-1000), data: { order: 'third' } });
        const crashed = await save({ name: 'mix', nextRunAt: at(-2000), data: { order: 'second' } });
        const now = clock;
        clock = at(-700_000);
        await repo.lockJob(crashed, undefined);
        clock = now;
        // when jobs are taken until none is left
        const taken: unknown[] = [];
        for (let job = await next('mix'); job; job = await next('mix')) taken.push(job.data);
        // then the expired one comes in its due order, not before or after all the others
        expect(taken).to.deep.equal([{ order: 'first' }, { order: 'second' }, { order: 'third' }]);
      });

      it('never hands the same job to two connections taking turns', async () => {
        // given 50 due jobs and a second connection to the same file
        for (let i = 0; i < 50; i += 1) await save({ name: 'race', nextRunAt: at(-i) });
        const other = new Database(file);
        extra.push(other);
        configureConnection(other);
        const otherRepo = new SqliteJobRepository(other, () => clock);
        // when both connections take jobs alternately until none is left
        const ids: string[] = [];
        for (;;) {
          const a = await next('race');
          const b = await next('race', otherRepo);
          if (a) ids.push(idOf(a));
          if (b) ids.push(idOf(b));
          if (!a && !b) break;
        }
        // then every job was handed out exactly once
        expect(ids).to.have.length(50);
        expect(new Set(ids).size).to.equal(50);
      });

      it('never hands the same job to two processes racing on one file', async function () {
        this.timeout(20_000);
        // given 400 due jobs and two processes, each with its own connection, ready to race
        const insert = store.db.transaction(() => {
          for (let i = 0; i < 400; i += 1) repo.upsertJobSync(newJob({ _id: toJobId(`race-${i}`), name: 'race', nextRunAt: at(-i) }));
        });
        insert();
        const url = (path: string): string => pathToFileURL(join(repoRoot, path)).href;
        const code = `
          const { openSqliteStore } = await import(process.env.STORE_URL);
          const { SqliteJobRepository } = await import(process.env.REPO_URL);
          const store = openSqliteStore(process.env.DB_FILE);
          const repo = new SqliteJobRepository(store.db);
          process.stdout.write('ready\\n');
          process.stdin.once('data', async () => {
            const ids = [];
            const scanAt = new Date(8_640_000_000_000_000);
            const deadline = new Date(0);
            for (;;) {
              const job = await repo.getNextJobToRun('race', scanAt, deadline, undefined, undefined);
              if (!job) break;
              ids.push(job._id);
              // A pause as agenda makes between picks: without it one process takes every lock
              // in a row while the other sleeps in SQLite's busy handler.
              await new Promise((wake) => setTimeout(wake, 1));
            }
            process.stdout.write(JSON.stringify(ids) + '\\n');
            await store.close();
            process.exit(0);
          });`;
        const racers = [0, 1].map(() => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
            cwd: repoRoot,
            env: {
              ...process.env,
              STORE_URL: url('server/stores/sqlite/sqlite-store.ts'),
              REPO_URL: url('server/stores/sqlite/sqlite-job.repository.ts'),
              DB_FILE: file,
            },
            stdio: ['pipe', 'pipe', 'inherit'],
          });
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
          });
          const ready = waitFor('racer ready', () => out.startsWith('ready\n'), 15_000);
          const done = new Promise<string[]>((settle, fail) => {
            child.once('error', fail);
            child.once('exit', (code) => {
              if (code !== 0) fail(new Error(`racer exited with ${code}`));
              else settle(JSON.parse(out.slice('ready\n'.length)) as string[]);
            });
          });
          return { child, ready, done };
        });
        await Promise.all(racers.map((racer) => racer.ready));
        // when both are told to go at once and take jobs until none is left
        for (const racer of racers) racer.child.stdin.write('go\n');
        const [first = [], second = []] = await Promise.all(racers.map((racer) => racer.done));
        // then together they took every job, no job twice, and both got some
        expect(first.length + second.length).to.equal(400);
        expect(new Set([...first, ...second]).size).to.equal(400);
        expect(first.length).to.be.greaterThan(0);
        expect(second.length).to.be.greaterThan(0);
      });
    });

    describe('saveJobState', () => {
      it('writes the run state fields and clears the lock', async () => {
        // given a locked job
        const saved = await save({ nextRunAt: at(-1000) });
        const locked = (await repo.lockJob(saved, undefined)) ?? saved;
        // when its state after a failed run is saved
        await repo.saveJobState(
          {
            ...locked,
            lockedAt: undefined,
            nextRunAt: at(30_000),
            lastRunAt: at(1),
            lastFinishedAt: at(2),
            failedAt: at(2),
            failCount: 1,
            failReason: 'Test error',
            progress: 50,
          },
          { lastModifiedBy: 'node-b' },
        );
        // then all of it is stored and the job is unlocked
        const read = await repo.getJobById(idOf(saved));
        expect(read?.lockedAt).to.equal(undefined);
        expect(read?.nextRunAt?.getTime()).to.equal(at(30_000).getTime());
        expect(read?.lastRunAt?.getTime()).to.equal(at(1).getTime());
        expect(read?.lastFinishedAt?.getTime()).to.equal(at(2).getTime());
        expect(read?.failedAt?.getTime()).to.equal(at(2).getTime());
        expect(read?.failCount).to.equal(1);
        expect(read?.failReason).to.equal('Test error');
        expect(read?.progress).to.equal(50);
        expect(read?.lastModifiedBy).to.equal('node-b');
      });

      it('is a silent no-op for a job whose row was removed', async () => {
        // given a job agenda holds whose row Baton has removed
        const saved = await save();
        repo.removeJobsSync([idOf(saved)]);
        // when agenda saves its state
        await repo.saveJobState({ ...saved, lockedAt: undefined, lastFinishedAt: clock }, undefined);
        // then nothing is thrown and nothing is re-created
        expect(await repo.getJobById(idOf(saved))).to.equal(null);
        expect(repo.isCurrentSync(saved)).to.equal(false);
      });

      it('keeps a next run that was rescheduled while the job ran', async () => {
        // given a one-shot job agenda picked and started (next run saved as null)
        await save({ name: 'timer', nextRunAt: at(-10) });
        const picked = (await next('timer')) ?? newJob();
        await repo.saveJobState({ ...picked, nextRunAt: null, lastRunAt: clock }, undefined);
        // when Baton reschedules it while it runs, and then the run ends
        repo.upsertJobSync({ ...newJob({ name: 'timer' }), _id: picked._id, nextRunAt: at(60_000), data: { v: 2 } });
        const stale = !repo.isCurrentSync(picked);
        await repo.saveJobState({ ...picked, nextRunAt: null, lockedAt: undefined, lastFinishedAt: at(5) }, undefined);
        // then the new schedule survived the end of the old run, and the row is free to run again
        const read = await repo.getJobById(idOf(picked));
        expect(stale).to.equal(true);
        expect(read?.nextRunAt?.getTime()).to.equal(at(60_000).getTime());
        expect(read?.data).to.deep.equal({ v: 2 });
        expect(read?.lockedAt).to.equal(undefined);
        clock = at(61_000);
        expect((await next('timer'))?._id).to.equal(picked._id);
      });
    });

    describe('Baton sync helpers', () => {
      const batonJob = (id: string, overrides: Partial<JobParameters> = {}): JobParameters =>
        newJob({
          _id: toJobId(id),
          name: 'bpmn-timer',
          nextRunAt: at(1000),
          data: { instanceId: 'inst-1', timerId: id },
          ...overrides,
        });

      it("inserts with Baton's id, files the job under its instance, and finds it by instance", () => {
        // given jobs of two instances and a job whose instanceId is not a string
        repo.upsertJobSync(batonJob('t-1'));
        repo.upsertJobSync(batonJob('t-2', { nextRunAt: at(500) }));
        repo.upsertJobSync(batonJob('t-3', { data: { instanceId: 'inst-2' } }));
        repo.upsertJobSync(batonJob('t-4', { data: { instanceId: 42 } }));
        repo.upsertJobSync(batonJob('t-5', { name: 'other', data: { instanceId: 'inst-1' } }));
        // when an instance's jobs are listed
        const ofInst1 = repo.jobsForInstanceSync('inst-1', 'bpmn-timer');
        // then they are that instance's jobs of that name, soonest first
        expect(ofInst1.map((job) => job._id)).to.deep.equal(['t-2', 't-1']);
        expect(repo.jobsForInstanceSync('inst-1').map((job) => job._id)).to.deep.equal(['t-2', 't-1', 't-5']);
        expect(repo.jobsForInstanceSync('inst-2', 'bpmn-timer').map((job) => job._id)).to.deep.equal(['t-3']);
        expect(store.db.prepare("SELECT instance_id FROM agenda_jobs WHERE id = 't-4'").pluck().get()).to.equal(null);
      });

      it('updates by id keeping the lock and last run, and clears the previous outcome', async () => {
        // given a job that ran, failed, and is locked again
        repo.upsertJobSync(batonJob('t-1', { nextRunAt: at(-10) }));
        const locked = (await next('bpmn-timer')) ?? newJob();
        await repo.saveJobState({ ...locked, lastRunAt: at(-5), failedAt: at(-4), lastFinishedAt: at(-4), failCount: 3, failReason: 'x' }, undefined);
        // when Baton upserts it with a new time, data, priority and disabled flag
        repo.upsertJobSync(batonJob('t-1', { nextRunAt: at(9000), priority: 7, disabled: true, data: { instanceId: 'inst-9' } }));
        // then the definition changed, lock and last run stayed, and the failure is gone
        const read = await repo.getJobById('t-1');
        expect(read?.nextRunAt?.getTime()).to.equal(at(9000).getTime());
        expect(read?.priority).to.equal(7);
        expect(read?.disabled).to.equal(true);
        expect(read?.data).to.deep.equal({ instanceId: 'inst-9' });
        expect(read?.lockedAt?.getTime()).to.equal(clock.getTime());
        expect(read?.lastRunAt?.getTime()).to.equal(at(-5).getTime());
        expect(read?.failedAt).to.equal(undefined);
        expect(read?.failCount).to.equal(undefined);
        expect(read?.lastFinishedAt).to.equal(undefined);
        expect(repo.jobsForInstanceSync('inst-9').map((job) => job._id)).to.deep.equal(['t-1']);
      });

      it('rolls back with the outer transaction it runs in', async () => {
        // given an existing job
        repo.upsertJobSync(batonJob('keep'));
        // when a Baton transaction upserts one job, removes another, then fails
        const step = store.db.transaction(() => {
          repo.upsertJobSync(batonJob('new'));
          expect(repo.removeJobsSync(['keep'])).to.equal(1);
          throw new Error('step failed');
        });
        expect(() => step.immediate()).to.throw('step failed');
        // then neither write is visible
        expect(await repo.getJobById('new')).to.equal(null);
        expect(await repo.getJobById('keep')).to.not.equal(null);
      });

      it('refuses a job without an id', () => {
        // given a job without _id
        // when Baton upserts it
        // then it is refused: Baton must be able to find its jobs again
        expect(() => repo.upsertJobSync(newJob())).to.throw(/_id/);
        expect(repo.removeJobsSync([])).to.equal(0);
      });
    });
  });

  describe('with a real Agenda', function () {
    let store: SqliteStore;
    let backend: SqliteAgendaBackend;
    const agendas: Agenda[] = [];
    const errors: Error[] = [];
    const makeAgenda = (options: { processEvery?: number; lockLifetime?: number; maxConcurrency?: number } = {}): Agenda => {
      const agenda = new Agenda({
        backend,
        name: `test-${agendas.length}`,
        processEvery: options.processEvery ?? 50,
        // Short, because agenda's liveness check sleeps lockLifetime / 2 after every run and that
        // timer outlives the run; the file checks at the end that all of them are gone.
        defaultLockLifetime: options.lockLifetime ?? 1000,
        ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
      });
      agenda.on('error', (error: Error) => errors.push(error));
      agendas.push(agenda);
      return agenda;
    };
    const row = async (id: unknown): Promise<JobParameters | null> => backend.repository.getJobById(String(id));
    let timersBefore = 0;
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

    before(async () => {
      // After a tick, so that mocha's own timer for this hook is armed, as it will be in `after`.
      await Promise.resolve();
      timersBefore = timers();
    });
    beforeEach(() => {
      store = openSqliteStore(freshFile());
      backend = new SqliteAgendaBackend(store.db);
      errors.length = 0;
    });
    afterEach(async () => {
      for (const agenda of agendas.splice(0)) await agenda.stop();
      await store.close();
    });
    after(async () => {
      // agenda's stop/drain clear its poll interval; what may linger is the per-run liveness sleep
      // (lockLifetime / 2), so within a second the process must be back to its own timers.
      await waitFor('agenda timers to end', () => timers() <= timersBefore, 3000);
    });

    it('runs a job scheduled now() exactly once and leaves it completed, not due', async () => {
      // given a started agenda with a counting handler
      const agenda = makeAgenda();
      let runs = 0;
      agenda.define('once', async () => {
        runs += 1;
      });
      await agenda.start();
      // when a job is scheduled now
      const job = await agenda.now('once', { instanceId: 'i-1' });
      // then it runs once, and a few polls later still only once
      await waitFor('the job to run', () => runs === 1);
      await sleep(200);
      expect(runs).to.equal(1);
      await waitFor('the lock to be released', async () => (await row(job.attrs._id))?.lockedAt === undefined);
      const saved = await row(job.attrs._id);
      // a finished one-shot job stays in the table with no next run and a finish time
      expect(saved?.nextRunAt).to.equal(null);
      expect(saved?.lastFinishedAt).to.be.instanceOf(Date);
      expect(saved?.failedAt).to.equal(undefined);
      expect(errors).to.deep.equal([]);
    });

    it('runs a schedule(date) job at its time, not before', async () => {
      // given a started agenda
      const agenda = makeAgenda();
      let ranAt = 0;
      agenda.define('later', async () => {
        ranAt = Date.now();
      });
      await agenda.start();
      // when a job is scheduled 300 ms ahead
      const due = new Date(Date.now() + 300);
      await agenda.schedule(due, 'later');
      // then it runs once that time has come, and promptly
      await waitFor('the scheduled job', () => ranAt > 0);
      expect(ranAt).to.be.at.least(due.getTime());
      expect(ranAt - due.getTime()).to.be.below(250);
    });

    it('repeats an every() job, from one row with a numeric interval', async () => {
      // given a started agenda
      const agenda = makeAgenda();
      let runs = 0;
      agenda.define('tick', async () => {
        runs += 1;
      });
      await agenda.start();
      // when a job repeats every 100 ms
      await agenda.every(100, 'tick');
      // then it runs again and again from a single row that keeps its interval
      await waitFor('three runs', () => runs >= 3, 3000);
      const rows = await backend.repository.queryJobs({ name: 'tick' });
      expect(rows.total).to.equal(1);
      expect(rows.jobs[0]?.repeatInterval).to.equal(100);
      expect(rows.jobs[0]?.nextRunAt).to.be.instanceOf(Date);
    });

    it("keeps to a job's concurrency limit and still runs every job", async () => {
      // given a job type limited to 2 at a time, each run taking 60 ms
      const agenda = makeAgenda();
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      agenda.define(
        'limited',
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await sleep(60);
          running -= 1;
          done += 1;
        },
        { concurrency: 2 },
      );
      // when 5 jobs are due at once when the agenda starts
      for (let i = 0; i < 5; i += 1) await agenda.now('limited', { i });
      await agenda.start();
      // then all 5 run, never more than 2 at once, and 2 did run together
      await waitFor('all five runs', () => done === 5, 3000);
      expect(maxRunning).to.equal(2);
    });

    it('keeps to maxConcurrency across job types', async () => {
      // given an agenda allowing 1 running job in total, and two job types
      const agenda = makeAgenda({ maxConcurrency: 1 });
      let running = 0;
      let maxRunning = 0;
      let done = 0;
      const handler = async (): Promise<void> => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(40);
        running -= 1;
        done += 1;
      };
      agenda.define('type-a', handler);
      agenda.define('type-b', handler);
      // when two jobs of each type are due
      for (const name of ['type-a', 'type-b', 'type-a', 'type-b']) await agenda.now(name);
      await agenda.start();
      // then all four run, one at a time
      await waitFor('all four runs', () => done === 4, 3000);
      expect(maxRunning).to.equal(1);
    });

    it('records a throwing handler as failed and does not run the one-shot job again', async () => {
      // given a handler that throws, without a backoff
      const agenda = makeAgenda();
      let runs = 0;
      const failures: string[] = [];
      agenda.define('broken', async () => {
        runs += 1;
        throw new Error('handler blew up');
      });
      agenda.on('fail:broken', (error: Error) => failures.push(error.message));
      await agenda.start();
      // when the job runs
      const job = await agenda.now('broken');
      await waitFor('the failure', () => failures.length === 1);
      await waitFor('the lock to be released', async () => (await row(job.attrs._id))?.lockedAt === undefined);
      await sleep(150);
      // then the row says failed, has no next run, and nothing runs it again: Baton must retry
      // itself or define a backoff
      const saved = await row(job.attrs._id);
      expect(runs).to.equal(1);
      expect(saved?.nextRunAt).to.equal(null);
      expect(saved?.failCount).to.equal(1);
      expect(saved?.failReason).to.equal('handler blew up');
      expect(saved?.failedAt).to.be.instanceOf(Date);
    });

    it('retries a throwing handler when the definition has a backoff', async () => {
      // given a handler that fails twice, with a 20 ms backoff for up to 3 retries
      const agenda = makeAgenda();
      let runs = 0;
      agenda.define(
        'flaky',
        async () => {
          runs += 1;
          if (runs < 3) throw new Error(`attempt ${runs}`);
        },
        { backoff: (context) => (context.attempt <= 3 ? 20 : null) },
      );
      await agenda.start();
      // when the job runs
      const job = await agenda.now('flaky');
      // then it is run again until it succeeds, and the success resets the failure count
      await waitFor('the third attempt', () => runs === 3, 3000);
      await waitFor('the final state', async () => (await row(job.attrs._id))?.lockedAt === undefined);
      const saved = await row(job.attrs._id);
      expect(saved?.failCount).to.equal(0);
      expect(saved?.nextRunAt).to.equal(null);
    });

    it('runs a job whose agenda crashed mid-run once its lock has expired', async () => {
      // given a job row left locked by a crashed agenda: run started, next run already null
      const lockedAt = Date.now();
      backend.repository.upsertJobSync(newJob({ _id: toJobId('crashed'), name: 'recover', nextRunAt: new Date(lockedAt - 10) }));
      store.db.prepare('UPDATE agenda_jobs SET locked_at = ?, last_run_at = ?, next_run_at = NULL WHERE id = ?').run(lockedAt, lockedAt, 'crashed');
      // when a new agenda with a 300 ms lock lifetime starts
      const agenda = makeAgenda();
      let ranAt = 0;
      agenda.define(
        'recover',
        async () => {
          ranAt = Date.now();
        },
        { lockLifetime: 300 },
      );
      await agenda.start();
      // then it runs the job, but only after the lock has expired
      await waitFor('the recovered run', () => ranAt > 0, 3000);
      expect(ranAt).to.be.at.least(lockedAt + 300);
    });

    it('releases the locks of jobs it holds but has not started on stop()', async () => {
      // given a job type limited to 1 at a time, one run in progress and one locked and waiting
      const agenda = makeAgenda();
      const release = gate();
      let started = 0;
      agenda.define(
        'serial',
        async () => {
          started += 1;
          await release.opened;
        },
        { concurrency: 1 },
      );
      const first = await agenda.now('serial');
      const second = await agenda.now('serial');
      await agenda.start();
      await waitFor('one run and both jobs locked', async () => {
        const [a, b] = [await row(first.attrs._id), await row(second.attrs._id)];
        return started === 1 && a?.lockedAt !== undefined && b?.lockedAt !== undefined;
      });
      const running = (await row(first.attrs._id))?.nextRunAt === null ? first : second;
      const waiting = running === first ? second : first;
      // when the agenda is stopped
      await agenda.stop();
      // then the waiting job is free for another node, the running one keeps its lock until done
      expect((await row(waiting.attrs._id))?.lockedAt).to.equal(undefined);
      expect((await row(running.attrs._id))?.lockedAt).to.be.instanceOf(Date);
      release.open();
      await waitFor('the running job to finish', async () => (await row(running.attrs._id))?.lockedAt === undefined);
      expect(started).to.equal(1);
    });

    it('drain() waits for the running job to finish', async () => {
      // given a job that is running
      const agenda = makeAgenda();
      const release = gate();
      let finished = false;
      agenda.define('slow', async () => {
        await release.opened;
        finished = true;
      });
      await agenda.start();
      const job = await agenda.now('slow');
      await waitFor('the job to start', async () => (await row(job.attrs._id))?.lastRunAt !== undefined);
      // when drain() is called, and the job is let finish 100 ms later
      const drained = agenda.drain();
      setTimeout(release.open, 100);
      const result = await drained;
      // then drain resolved only after the job finished, and its row is finished and unlocked
      expect(finished).to.equal(true);
      expect(result).to.deep.equal({ completed: 1, running: 0, timedOut: false, aborted: false });
      const saved = await row(job.attrs._id);
      expect(saved?.lockedAt).to.equal(undefined);
      expect(saved?.lastFinishedAt).to.be.instanceOf(Date);
    });

    it('releases waiting jobs only if stop() is called while drain() waits (shutdown recipe)', async () => {
      // given one job running and one locked and waiting behind a concurrency of 1
      const agenda = makeAgenda();
      const release = gate();
      agenda.define('serial', async () => release.opened, { concurrency: 1 });
      const jobs = [await agenda.now('serial'), await agenda.now('serial')];
      await agenda.start();
      const rows = async (): Promise<(JobParameters | null)[]> => Promise.all(jobs.map((j) => row(j.attrs._id)));
      await waitFor('one running and both locked', async () => {
        const both = await rows();
        return both.every((r) => r?.lockedAt !== undefined) && both.some((r) => r?.nextRunAt === null);
      });
      const waitingId = (await rows()).find((r) => r?.nextRunAt !== null)?._id;
      expect(waitingId).to.be.a('string');
      // when shutting down as drain() then stop(), before the running job ends
      const drained = agenda.drain();
      await agenda.stop();
      // then the waiting job is released at once (drain() alone leaves it locked for a whole
      // lock lifetime, and a stop() after drain() returns does nothing) ...
      expect((await row(waitingId))?.lockedAt).to.equal(undefined);
      // ... and drain() still waits for the running job
      let settled = false;
      void drained.then(() => {
        settled = true;
      });
      await sleep(50);
      expect(settled).to.equal(false);
      release.open();
      expect((await drained).completed).to.equal(1);
    });

    it('runs a job Baton committed with upsertJobSync promptly once notified', async () => {
      // given an agenda that polls only every second and has done its first poll
      const agenda = makeAgenda({ processEvery: 1000 });
      let ranAt = 0;
      agenda.define('bpmn-timer', async () => {
        ranAt = Date.now();
      });
      await agenda.start();
      await sleep(20);
      // when Baton commits a due job in its own transaction and then notifies
      const job = newJob({
        _id: toJobId('t-1'),
        name: 'bpmn-timer',
        nextRunAt: new Date(),
        data: { instanceId: 'inst-1' },
      });
      store.db.transaction(() => backend.repository.upsertJobSync(job)).immediate();
      const notifiedAt = Date.now();
      await backend.notify(job);
      // then it runs well before the next poll would have found it
      await waitFor('the notified job', () => ranAt > 0, 900);
      expect(ranAt - notifiedAt).to.be.below(500);
    });

    it('runs a job saved through agenda without waiting for the poll', async () => {
      // given an agenda that polls only every second and has done its first poll
      const agenda = makeAgenda({ processEvery: 1000 });
      let ranAt = 0;
      agenda.define('quick', async () => {
        ranAt = Date.now();
      });
      await agenda.start();
      await sleep(20);
      // when a job is saved through agenda
      const savedAt = Date.now();
      await agenda.now('quick');
      // then the in-process notification channel gets it run at once
      await waitFor('the job', () => ranAt > 0, 900);
      expect(ranAt - savedAt).to.be.below(500);
    });

    it('does not lose a timer that Baton rescheduled while its old run was in progress', async () => {
      // given a Baton timer job whose handler is running
      const agenda = makeAgenda();
      const release = gate();
      const seen: { data: unknown; current: boolean }[] = [];
      agenda.define('bpmn-timer', async (job: Job) => {
        if (seen.length === 0) await release.opened;
        seen.push({ data: job.attrs.data, current: backend.repository.isCurrentSync(job.attrs) });
      });
      await agenda.start();
      const id = toJobId('timer-1');
      backend.repository.upsertJobSync(newJob({ _id: id, name: 'bpmn-timer', data: { v: 1 } }));
      await backend.notify({ _id: id, name: 'bpmn-timer', nextRunAt: new Date(), priority: 0 });
      await waitFor('the first run to start', async () => (await row(id))?.lastRunAt !== undefined);
      // when Baton reschedules it 150 ms ahead with new data, and the old run then ends
      const due = Date.now() + 150;
      backend.repository.upsertJobSync(newJob({ _id: id, name: 'bpmn-timer', nextRunAt: new Date(due), data: { v: 2 } }));
      release.open();
      // then the old run saw it was stale, the new schedule survived, and it ran with new data
      await waitFor('the second run', () => seen.length === 2, 3000);
      expect(seen[0]).to.deep.equal({ data: { v: 1 }, current: false });
      expect(seen[1]).to.deep.equal({ data: { v: 2 }, current: true });
      expect(errors).to.deep.equal([]);
    });

    it('finishes quietly when Baton removed the job while it ran', async () => {
      // given a Baton timer job whose handler is running
      const agenda = makeAgenda();
      const release = gate();
      let completed = 0;
      agenda.define('bpmn-timer', async () => {
        await release.opened;
      });
      agenda.on('complete:bpmn-timer', () => {
        completed += 1;
      });
      await agenda.start();
      const id = toJobId('timer-2');
      backend.repository.upsertJobSync(newJob({ _id: id, name: 'bpmn-timer' }));
      await backend.notify({ _id: id, name: 'bpmn-timer', nextRunAt: new Date(), priority: 0 });
      await waitFor('the run to start', async () => (await row(id))?.lastRunAt !== undefined);
      // when Baton removes the job in a transaction, and the run ends
      store.db.transaction(() => backend.repository.removeJobsSync([id])).immediate();
      release.open();
      // then the run completes without errors and the row stays gone
      await waitFor('completion', () => completed === 1);
      expect(await row(id)).to.equal(null);
      expect(errors).to.deep.equal([]);
    });

    it('leaves the database open when agenda stops (the store owns it)', async () => {
      // given a started agenda
      const agenda = makeAgenda();
      agenda.define('noop', async () => {});
      await agenda.start();
      // when it is stopped, even asking it to close the connection
      await agenda.stop(true);
      // then the store's connection still works
      expect(store.db.open).to.equal(true);
      await store.ping();
      expect(backend.notificationChannel.state).to.equal('disconnected');
    });
  });
});
