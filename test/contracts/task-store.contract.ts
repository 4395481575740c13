import { expect } from 'chai';
import type { TaskFilter } from '../../server/tasks/task.js';
import { isoAt, makeInstance, makeTask, nextStep, startInstance } from './fixtures.js';
import { type CloseStore, type OpenStore, useFreshStore } from './harness.js';

export function taskStoreContract(open: OpenStore, close: CloseStore): void {
  describe('TaskStore contract', () => {
    const store = useFreshStore(open, close);

    it('reads back a task written by a step unchanged', async () => {
      // given a task with every optional field set
      const instance = makeInstance();
      const task = makeTask(instance, {
        candidateUsers: ['ada', 'bob'],
        assignee: 'ada',
        output: { approved: true, notes: ['ok'] },
      });
      // when the step that created it is committed
      await startInstance(store(), instance, { tasks: [task] });
      // then get returns it as written, and unknown ids are null
      expect(await store().tasks.get(task.id)).to.deep.equal(task);
      expect(await store().tasks.get('missing')).to.equal(null);
    });

    it('updates a task in place when a later step writes it again', async () => {
      // given an open task
      const instance = makeInstance();
      const open = makeTask(instance);
      const started = await startInstance(store(), instance, { tasks: [open] });
      // when a later step completes it
      const completed = {
        ...open,
        status: 'completed' as const,
        assignee: 'ada',
        completedBy: 'ada',
        endedAt: isoAt(40),
        output: { resolution: 'fixed' },
      };
      await store().commitStep(nextStep(started, { tasks: [completed] }));
      // then there is still one task, now completed
      expect(await store().tasks.list({ instanceId: instance.id })).to.deep.equal([completed]);
    });

    it('lists oldest first and filters by status, instance, department, assignee and process', async () => {
      // given tasks across two instances, departments, assignees and statuses
      const helpdesk = makeInstance({ processKey: 'helpdesk' });
      const refund = makeInstance({ processKey: 'refund' });
      const t1 = makeTask(helpdesk, { createdAt: isoAt(1), department: 'first-line' });
      const t2 = makeTask(refund, { createdAt: isoAt(2), department: 'finance', assignee: 'bob' });
      const t3 = makeTask(helpdesk, { createdAt: isoAt(3), department: 'first-line', assignee: 'ada' });
      const t4 = makeTask(refund, {
        createdAt: isoAt(4),
        department: 'first-line',
        status: 'completed',
        assignee: 'ada',
      });
      const t5 = makeTask(helpdesk, { createdAt: isoAt(5), department: null, status: 'cancelled' });
      // written out of order, so order comes from createdAt and not from insertion
      await startInstance(store(), helpdesk, { tasks: [t5, t3, t1] });
      await startInstance(store(), refund, { tasks: [t4, t2] });
      const ids = async (filter: TaskFilter) => (await store().tasks.list(filter)).map((t) => t.id);
      // when listed with each filter
      // then each answer is oldest first and only what matches
      expect(await ids({})).to.deep.equal([t1.id, t2.id, t3.id, t4.id, t5.id]);
      expect(await ids({ status: 'open' })).to.deep.equal([t1.id, t2.id, t3.id]);
      expect(await ids({ status: 'open', department: 'first-line' })).to.deep.equal([t1.id, t3.id]);
      expect(await ids({ instanceId: refund.id })).to.deep.equal([t2.id, t4.id]);
      expect(await ids({ department: 'first-line' })).to.deep.equal([t1.id, t3.id, t4.id]);
      expect(await ids({ assignee: 'ada' })).to.deep.equal([t3.id, t4.id]);
      expect(await ids({ assignee: 'ada', status: 'open' })).to.deep.equal([t3.id]);
      expect(await ids({ processKey: 'refund', status: 'open' })).to.deep.equal([t2.id]);
      expect(await ids({ department: 'nobody' })).to.deep.equal([]);
    });

    it('pages with limit and offset', async () => {
      // given five open tasks of one department
      const instance = makeInstance();
      const tasks = [1, 2, 3, 4, 5].map((minute) => makeTask(instance, { createdAt: isoAt(minute) }));
      await startInstance(store(), instance, { tasks });
      const page = async (limit: number, offset: number) => (await store().tasks.list({ department: 'first-line', limit, offset })).map((t) => t.id);
      // when pages are read
      // then they are slices of the oldest-first queue
      const all = tasks.map((t) => t.id);
      expect(await page(2, 0)).to.deep.equal(all.slice(0, 2));
      expect(await page(2, 2)).to.deep.equal(all.slice(2, 4));
      expect(await page(2, 4)).to.deep.equal(all.slice(4));
    });

    it("answers a staff member's inbox: open tasks of their departments and those assigned to them", async () => {
      // given open and closed tasks across departments and assignees
      const instance = makeInstance();
      const mine = makeTask(instance, { createdAt: isoAt(1), department: 'l1' });
      const assigned = makeTask(instance, { createdAt: isoAt(2), department: 'l3', assignee: 'ada' });
      const other = makeTask(instance, { createdAt: isoAt(3), department: 'l3' });
      const closed = makeTask(instance, { createdAt: isoAt(4), department: 'l1', status: 'completed' });
      const both = makeTask(instance, { createdAt: isoAt(5), department: 'l2', assignee: 'ada' });
      await startInstance(store(), instance, { tasks: [both, closed, other, assigned, mine] });
      // when ada (in l1 and l2) asks for her inbox
      const inbox = await store().tasks.inbox(['l1', 'l2'], 'ada', {});
      // then it holds each visible open task once, oldest first
      expect(inbox.map((task) => task.id)).to.deep.equal([mine.id, assigned.id, both.id]);
      expect((await store().tasks.inbox(['l1', 'l2'], 'ada', { limit: 1, offset: 1 })).map((task) => task.id)).to.deep.equal([assigned.id]);
      expect(await store().tasks.inbox([], 'nobody', {})).to.deep.equal([]);
    });

    it('narrows an inbox to one instance or process before paging, so a page is never short', async () => {
      // given ada's queue with tasks of two instances of two processes, interleaved
      const first = makeInstance({ processKey: 'helpdesk' });
      const second = makeInstance({ processKey: 'payments' });
      const tasksOf = (instance: typeof first, minutes: number[]) => minutes.map((minute) => makeTask(instance, { createdAt: isoAt(minute), department: 'l1', processKey: instance.processKey }));
      const firstTasks = tasksOf(first, [1, 3, 5]);
      const secondTasks = tasksOf(second, [2, 4, 6]);
      await startInstance(store(), first, { tasks: firstTasks });
      await startInstance(store(), second, { tasks: secondTasks });
      // when she asks for one instance's tasks, two at a time
      const page = await store().tasks.inbox(['l1'], 'ada', { instanceId: second.id, limit: 2 });
      // then the page is full and holds only that instance's tasks
      expect(page.map((task) => task.id)).to.deep.equal(secondTasks.slice(0, 2).map((task) => task.id));
      expect((await store().tasks.inbox(['l1'], 'ada', { processKey: 'helpdesk', limit: 2, offset: 2 })).map((task) => task.id)).to.deep.equal([firstTasks[2]!.id]);
    });

    it('lists as unrouted the open tasks whose department is unset or unknown', async () => {
      // given a known department and tasks routed to it, to an unknown group, and to nobody
      await store().departments.upsert({ id: 'l1', name: 'L1', parentId: null });
      const instance = makeInstance();
      const routed = makeTask(instance, { createdAt: isoAt(1), department: 'l1' });
      const unknown = makeTask(instance, { createdAt: isoAt(2), department: 'night-shift' });
      const nowhere = makeTask(instance, { createdAt: isoAt(3), department: null });
      const closed = makeTask(instance, { createdAt: isoAt(4), department: null, status: 'cancelled' });
      await startInstance(store(), instance, { tasks: [routed, unknown, nowhere, closed] });
      expect((await store().tasks.unrouted({})).map((task) => task.id)).to.deep.equal([unknown.id, nowhere.id]);
      // when the missing department is created
      await store().departments.upsert({ id: 'night-shift', name: 'Night shift', parentId: null });
      // then its task is routed
      expect((await store().tasks.unrouted({})).map((task) => task.id)).to.deep.equal([nowhere.id]);
    });

    it('counts open tasks per assignee and when each was last assigned', async () => {
      const instance = makeInstance();
      const tasks = [
        makeTask(instance, { createdAt: isoAt(1), assignee: 'ada' }),
        makeTask(instance, { createdAt: isoAt(2), assignee: 'ada', status: 'completed' }),
        makeTask(instance, { createdAt: isoAt(3), assignee: 'bob' }),
        makeTask(instance, { createdAt: isoAt(4), assignee: 'cy' }),
      ];
      await startInstance(store(), instance, { tasks });
      const stats = await store().tasks.assignmentStats(['ada', 'bob', 'dan']);
      expect(stats.sort((a, b) => a.username.localeCompare(b.username))).to.deep.equal([
        { username: 'ada', open: 1, lastAssignedAt: isoAt(2) },
        { username: 'bob', open: 1, lastAssignedAt: isoAt(3) },
      ]);
      expect(await store().tasks.assignmentStats([])).to.deep.equal([]);
    });
  });
}
