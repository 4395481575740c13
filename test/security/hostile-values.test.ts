import { expect } from 'chai';

import { canonicalJson } from '../../server/audit/canonical-json.js';
import { findHostileValue } from '../../server/http/hostile-values.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { useTestServer } from '../support/test-server.js';
import { silentLogger, userTaskProcess } from '../support/harness.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('Hostile values at the edges: prototype keys and non-finite numbers', () => {
  describe('canonical JSON (hole 2)', () => {
    it('keeps a __proto__ key parsed from stored JSON in the hashed text', () => {
      // given JSON text with an own __proto__ key, as JSON.parse produces it from a tampered row
      const parsed = JSON.parse('{"b":1,"__proto__":{"injected":true}}') as Record<string, unknown>;
      // then the canonical text names it, so the hash changes with it
      expect(canonicalJson(parsed)).to.equal('{"__proto__":{"injected":true},"b":1}');
      expect(canonicalJson(parsed)).not.to.equal(canonicalJson({ b: 1 }));
    });
  });

  describe('findHostileValue', () => {
    const cases: [string, string | null][] = [
      ['{"a":1,"b":[1,2,{"c":"x"}]}', null],
      ['{"a":1e400}', 'a'],
      ['{"a":[0,-1e999]}', 'a.1'],
      ['{"__proto__":{"x":1}}', '__proto__'],
      ['{"a":{"constructor":{"prototype":1}}}', 'a.constructor'],
      ['{"a":{"prototype":1}}', 'a.prototype'],
      // PostgreSQL cannot store a NUL in text or jsonb (it was a 500 there)
      ['{"a":{"b":"x\\u0000y"}}', 'a.b'],
      ['{"a":{"k\\u0000":1}}', 'a'],
    ];
    for (const [raw, path] of cases) {
      it(`${raw} → ${path ?? 'accepted'}`, () => {
        expect(findHostileValue(JSON.parse(raw))?.path ?? null).to.equal(path);
      });
    }
  });

  describe('over HTTP (holes 2 and 8)', () => {
    const server = useTestServer({ deploy: [userTaskProcess('guarded')] });

    async function instanceCount(): Promise<number> {
      return (await server.baton.store.instances.list({ limit: 500, offset: 0 })).length;
    }

    const bodies: [string, string][] = [
      ['{"processKey":"guarded","variables":{"amount":1e400}}', 'variables.amount'],
      ['{"processKey":"guarded","variables":{"amount":-1e400}}', 'variables.amount'],
      ['{"processKey":"guarded","variables":{"__proto__":{"admin":true}}}', 'variables.__proto__'],
      ['{"processKey":"guarded","variables":{"order":{"constructor":{"prototype":{"x":1}}}}}', 'variables.order.constructor'],
    ];
    for (const [body, field] of bodies) {
      it(`refuses ${body} with a 400 naming ${field}, and starts nothing`, async () => {
        const before = await instanceCount();
        const res = await server.http.request('POST', '/api/instances', body, JSON_HEADERS);
        expect(res.status).to.equal(400);
        expect((res.body as { error: { code: string; message: string } }).error.code).to.equal('INVALID_INPUT');
        expect((res.body as { error: { message: string } }).error.message).to.contain(field);
        expect(await instanceCount()).to.equal(before);
      });
    }

    it('refuses a non-finite number when a task is completed, and the task stays open', async () => {
      const { opened } = await server.baton.instances.start({ processKey: 'guarded', variables: {}, businessKey: null }, 'api');
      const taskId = opened[0]!.id;
      const res = await server.http.request('POST', `/api/tasks/${taskId}/complete`, '{"variables":{"score":1e400}}', JSON_HEADERS);
      expect(res.status).to.equal(400);
      expect((res.body as { error: { message: string } }).error.message).to.contain('variables.score');
      expect((await server.baton.store.tasks.get(taskId))?.status).to.equal('open');
    });

    it('refuses a NUL in a body, a path or a query with a 400 on every store, and starts nothing (PostgreSQL answered 500)', async () => {
      const before = await instanceCount();
      const body = await server.http.request('POST', '/api/instances', '{"processKey":"guarded","variables":{"note":"a\\u0000b"}}', JSON_HEADERS);
      expect(body.status).to.equal(400);
      expect((body.body as { error: { message: string } }).error.message).to.contain('variables.note');
      for (const path of ['/api/instances/%00', '/api/tasks?department=l1%00', '/status/%00', '/api/public/processes/%00/intake']) {
        const res = await server.http.request('GET', path);
        expect(res.status, path).to.equal(400);
        expect((res.body as { error: { code: string } }).error.code).to.equal('INVALID_INPUT');
      }
      expect(await instanceCount()).to.equal(before);
    });

    it('answers text PostgreSQL cannot store (SQLSTATE 22021, 22P05 from a form or a file) as 400, not 500', () => {
      const handler = errorHandler(silentLogger);
      for (const code of ['22021', '22P05']) {
        let status = 0;
        let sent: unknown;
        const res = { headersSent: false, status: (s: number) => ((status = s), res), json: (b: unknown) => ((sent = b), res), set: () => res };
        const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
        (handler as unknown as (e: unknown, q: unknown, r: unknown, n: unknown) => void)(err, { method: 'POST', originalUrl: '/x' }, res, () => undefined);
        expect(status, code).to.equal(400);
        expect((sent as { error: { code: string } }).error.code).to.equal('INVALID_INPUT');
      }
    });

    it('accepts the same request with finite numbers (the reverse path)', async () => {
      const res = await server.http.request('POST', '/api/instances', '{"processKey":"guarded","variables":{"amount":1e300}}', JSON_HEADERS);
      expect(res.status).to.equal(201);
    });
  });
});
