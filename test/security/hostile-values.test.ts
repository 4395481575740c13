import { expect } from 'chai';

import { canonicalJson } from '../../server/audit/canonical-json.js';
import { findHostileValue } from '../../server/http/hostile-values.js';
import { useTestServer } from '../support/test-server.js';
import { userTaskProcess } from '../support/harness.js';

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

    it('accepts the same request with finite numbers (the reverse path)', async () => {
      const res = await server.http.request('POST', '/api/instances', '{"processKey":"guarded","variables":{"amount":1e300}}', JSON_HEADERS);
      expect(res.status).to.equal(201);
    });
  });
});
