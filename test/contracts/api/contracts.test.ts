import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect } from 'chai';
import type { z } from 'zod';

import { startInstanceSchema, instanceQuerySchema, messageSchema } from '../../../server/contracts/instances.js';
import { buildWeb, isBuildCurrent, WEB_DIR } from '../../../modeler/build.js';
import { migrationSchema } from '../../../server/contracts/operations.js';
import { completeSchema, handOverSchema, taskQuerySchema } from '../../../server/contracts/tasks.js';
import { newUserSchema, userPatchSchema } from '../../../server/contracts/users.js';
import { InvalidInputError } from '../../../server/errors.js';
import { parseInput } from '../../../server/http/validate.js';
import { userTaskProcess } from '../../support/harness.js';
import { useTestServer } from '../../support/test-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** The module specifiers a file imports or re-exports from, with whether the statement is type-only. */
function importsOf(file: string): { from: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)(\s+type)?\s[^;]*?\sfrom\s+'([^']+)'/gms)].map((match) => ({ from: match[3]!, typeOnly: Boolean(match[2]) }));
}

/** The message a client gets for a body the contract refuses (what the error handler sends with the 400). */
function refusal(schema: z.ZodType, value: unknown, what: string): string {
  try {
    parseInput(schema, value, what);
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidInputError);
    return (err as InvalidInputError).message;
  }
  throw new Error(`${what} was accepted: ${JSON.stringify(value)}`);
}

describe('API contracts (server/contracts): one source for bodies, queries and views', () => {
  describe('where they live', () => {
    it('contracts import zod and each other only, so a browser page can import them', () => {
      // given every contracts file
      for (const file of tsFiles(path.join(ROOT, 'server/contracts'))) {
        // then each import is zod or a sibling contract
        for (const { from } of importsOf(file)) {
          expect(from === 'zod' || from.startsWith('./'), `${path.relative(ROOT, file)} imports ${from}`).to.equal(true);
        }
      }
    });

    it('browser pages import contracts as types only (no zod in a bundle unless a page chooses to validate)', () => {
      // given every browser source file that names a contract
      const uses = tsFiles(path.join(ROOT, 'modeler/src')).flatMap((file) =>
        importsOf(file)
          .filter(({ from }) => from.includes('server/contracts/'))
          .map((use) => ({ file, ...use })),
      );
      // then there are such files, and each import of a contract is `import type`
      expect(uses.length).to.be.greaterThan(10);
      for (const use of uses) expect(use.typeOnly, `${path.relative(ROOT, use.file)} imports ${use.from} at run time`).to.equal(true);
    });

    it('no page bundles zod: the contracts a bundle reaches at run time are zod-free (server modules may re-export lists)', async function () {
      this.timeout(120_000);
      // given the browser app as built (npm test builds it first)
      if (!isBuildCurrent()) await buildWeb();
      const sources = JSON.parse(readFileSync(path.join(WEB_DIR, 'sources.json'), 'utf8')) as string[];
      // then a contracts file in a bundle imports no zod
      for (const file of sources.filter((source) => source.includes(`${path.sep}server${path.sep}contracts${path.sep}`))) {
        expect(
          importsOf(file).map(({ from }) => from),
          path.relative(ROOT, file),
        ).not.to.include('zod');
      }
    });

    it('the request types are declared once, in the contracts (the rest of the server re-exports them)', () => {
      // given the names that used to be written twice
      const names = [
        'TaskFilter',
        'TaskStatus',
        'InstanceStatus',
        'StartInstance',
        'CorrelateMessage',
        'NewUser',
        'UserPatch',
        'InstanceSummary',
        'DepartmentView',
        'OperationsRow',
        'AccountSettings',
        'Role',
        'Lang',
        'NotificationKind',
        'ApprovalStatus',
        'CalendarRecord',
        'Weekday',
        'ErrorBody',
        'ErrorIssue',
        'Directory',
      ];
      const declared = new Map<string, string[]>(names.map((name) => [name, []]));
      for (const file of [...tsFiles(path.join(ROOT, 'server')), ...tsFiles(path.join(ROOT, 'modeler/src'))]) {
        const text = readFileSync(file, 'utf8');
        for (const name of names) {
          if (new RegExp(`^export (interface ${name}\\b|type ${name}\\s*=)`, 'm').test(text)) declared.get(name)!.push(path.relative(ROOT, file));
        }
      }
      // then each is declared in exactly one contracts file
      for (const [name, files] of declared) {
        expect(files, name).to.have.length(1);
        expect(files[0], name).to.match(/^server\/contracts\//);
      }
    });
  });

  describe('what they accept and refuse', () => {
    it('a start body fills its defaults', () => {
      // when a client sends only the process key
      const start = parseInput(startInstanceSchema, { processKey: ' leave ' }, 'instance start');
      // then the rest is filled in, the key trimmed
      expect(start).to.deep.equal({ processKey: 'leave', variables: {}, businessKey: null, checkForm: false });
    });

    it('names the variable the engine reserves, and a badly named one', () => {
      expect(refusal(startInstanceSchema, { processKey: 'p', variables: { content: 1 } }, 'instance start')).to.equal(
        "Invalid instance start: variables.content: 'content' is reserved by the engine; use another name",
      );
      expect(refusal(messageSchema, { name: 'paid', variables: { '1st': true } }, 'message')).to.equal(
        'Invalid message: variables.1st: variable names are letters, digits and _ and start with a letter',
      );
    });

    it('says why a hand-over without a reason, and a completion with an unknown field, are refused', () => {
      expect(refusal(handOverSchema, { department: 'l2', reason: '  ' }, 'hand-over')).to.equal('Invalid hand-over: reason: say why');
      expect(refusal(completeSchema, { variables: {}, verison: 2 }, 'task completion')).to.match(/^Invalid task completion: Unrecognized key: "verison"/);
    });

    it('checks a new password against the one rule, and the role against the roles', () => {
      const message = refusal(newUserSchema, { username: 'ann', password: 'short', role: 'boss' }, 'user');
      expect(message).to.contain('password: at least 10 characters');
      expect(message).to.contain('role:');
      expect(refusal(userPatchSchema, { password: 'x'.repeat(73) }, 'user change')).to.equal('Invalid user change: password: at most 72 bytes');
    });

    it('reads a query string: numbers coerced, a day that does not exist refused, the range in order', () => {
      expect(parseInput(taskQuerySchema, { status: 'open', limit: '20' }, 'task query')).to.deep.equal({ status: 'open', limit: 20, offset: 0 });
      expect(refusal(instanceQuerySchema, { from: '2026-02-30' }, 'instance query')).to.equal('Invalid instance query: from: is not a real date');
      expect(refusal(instanceQuerySchema, { from: '2026-03-02', to: '2026-03-01' }, 'instance query')).to.equal('Invalid instance query: from must be before to');
    });

    it('refuses a migration onto the same version', () => {
      const body = { processKey: 'p', fromVersion: 2, toVersion: 2, reason: 'tidy up' };
      expect(refusal(migrationSchema, body, 'migration')).to.equal('Invalid migration: fromVersion and toVersion are the same');
    });
  });

  describe('over HTTP', () => {
    const server = useTestServer({ deploy: [userTaskProcess('contracted')] });

    it('a body the contract refuses is a 400 with the contract’s message, and changes nothing', async () => {
      // given an administrator
      // when they create a user with a short password
      const res = await server.http.request('POST', '/api/users', JSON.stringify({ username: 'newbie', password: 'short', role: 'staff' }), { 'content-type': 'application/json' });
      // then the answer says why, person-readable
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.include({
        error: { code: 'INVALID_INPUT', message: 'Invalid user: password: at least 10 characters', issues: [{ elementId: null, message: 'password: at least 10 characters' }] },
      });
      expect(await server.baton.store.users.getByUsername('newbie')).to.equal(null);
    });

    it('a start the contract accepts answers the StartedInstance view', async () => {
      // when a ticket is opened with the defaults left out
      const res = await server.http.request('POST', '/api/instances', JSON.stringify({ processKey: 'contracted' }), { 'content-type': 'application/json' });
      // then the answer has exactly the view's fields
      expect(res.status).to.equal(201);
      expect(Object.keys(res.body as object).sort()).to.deep.equal(['id', 'openTasks', 'status', 'statusUrl', 'ticketNumber']);
    });
  });
});
