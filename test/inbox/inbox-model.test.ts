import { expect } from 'chai';

import { InboxModel } from '../../modeler/src/inbox/inbox-model.js';
import { inboxSections } from '../../modeler/src/inbox/inbox-order.js';
import { slaText, spokenDuration } from '../../modeler/src/inbox/sla-words.js';
import type { LiveTask } from '../../server/live/live-events.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function task(id: string, fields: Partial<LiveTask> = {}): LiveTask {
  return {
    id,
    instanceId: `i-${id}`,
    ticketNumber: `HD-${id}`,
    processKey: 'helpdesk',
    elementId: 'work',
    name: 'Work',
    status: 'open',
    department: 'l1',
    assignee: null,
    priority: null,
    dueAt: null,
    warnAt: null,
    sla: null,
    formKey: null,
    createdAt: at(-60),
    version: 1,
    ...fields,
  };
}

describe('inbox page logic', () => {
  describe('SLA in words', () => {
    it('says how late or how far off, the way people say it', () => {
      expect(spokenDuration(20_000)).to.equal('less than a minute');
      expect(spokenDuration(40 * 60_000)).to.equal('40 min');
      expect(spokenDuration(200 * 60_000)).to.equal('3 h 20 min');
      expect(spokenDuration(120 * 60_000)).to.equal('2 h');
      expect(spokenDuration(52 * 3_600_000)).to.equal('2 d 4 h');
      expect(slaText({ dueAt: at(-120), warnAt: null }, NOW)).to.deep.equal({ state: 'breached', text: 'breached 2 h ago' });
      expect(slaText({ dueAt: at(200), warnAt: at(-5) }, NOW)).to.deep.equal({ state: 'at-risk', text: 'at risk, due in 3 h 20 min' });
      expect(slaText({ dueAt: at(200), warnAt: at(60) }, NOW)).to.deep.equal({ state: 'on-time', text: 'on time, due in 3 h 20 min' });
      expect(slaText({ dueAt: null, warnAt: at(60) }, NOW)).to.deep.equal({ state: 'on-time', text: 'on time' });
      expect(slaText({ dueAt: null, warnAt: null }, NOW)).to.deep.equal({ state: 'none', text: 'no SLA' });
    });
  });

  describe('order, filters and search', () => {
    const viewer = { username: 'ada', departments: ['l1'] };
    const tasks = [
      task('1', { priority: 90 }),
      task('2', { dueAt: at(300), warnAt: at(-1) }),
      task('3', { dueAt: at(-10), assignee: 'ada' }),
      task('4', { dueAt: at(300), priority: 10, createdAt: at(-30) }),
      task('5', { dueAt: at(300), priority: 10, createdAt: at(-90), department: 'l2', assignee: 'ada' }),
      task('6', { dueAt: at(-1), status: 'completed' }),
    ];

    it('puts the riskiest first (breached, at risk, on time, no SLA), then priority, then the oldest', () => {
      const { mine, queue } = inboxSections(tasks, 'all', '', viewer, NOW);
      expect(mine.map((t) => t.id)).to.deep.equal(['3', '5']);
      expect(queue.map((t) => t.id)).to.deep.equal(['2', '4', '1']);
    });

    it('filters mine / my departments and searches by ticket number', () => {
      const ids = (filter: 'all' | 'mine' | 'department', search = '') => {
        const { mine, queue } = inboxSections(tasks, filter, search, viewer, NOW);
        return [...mine, ...queue].map((t) => t.id);
      };
      expect(ids('mine')).to.deep.equal(['3', '5']);
      expect(ids('department')).to.deep.equal(['3', '2', '4', '1']);
      expect(ids('all', ' hd-4 ')).to.deep.equal(['4']);
      expect(ids('all', 'XX')).to.deep.equal([]);
    });
  });

  describe('InboxModel', () => {
    it('drops events older than what it holds and does not bring back a removed task', () => {
      const model = new InboxModel();
      expect(model.put(task('a', { version: 2, assignee: 'bob' }))).to.equal(true);
      // a late event of version 1 changes nothing
      expect(model.put(task('a', { version: 1 }))).to.equal(false);
      expect(model.get('a')?.assignee).to.equal('bob');
      // removed at version 3; a late update of version 3 or older stays out, a newer one comes back
      expect(model.drop('a', 3)).to.equal(true);
      expect(model.put(task('a', { version: 3 }))).to.equal(false);
      expect(model.put(task('a', { version: 4, department: 'l1' }))).to.equal(true);
      // a closed task is a removal
      expect(model.put(task('a', { version: 5, status: 'completed' }))).to.equal(true);
      expect(model.get('a')).to.equal(undefined);
    });

    it('lets a REST re-sync replace everything', () => {
      const model = new InboxModel();
      model.put(task('a'));
      model.drop('b', 2);
      model.reset([task('b', { version: 2 }), task('c')]);
      expect([...model.all()].map((t) => t.id)).to.deep.equal(['b', 'c']);
    });
  });
});
