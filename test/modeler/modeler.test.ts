import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { signInContext, skipWithoutChromium, startBrowserBaton, type BrowserBaton } from '../support/browser.js';
import { TEST_PASSWORD, addUser } from '../support/harness.js';
import { miwgFiles, miwgPath } from '../support/miwg.js';

/** page.evaluate callbacks run in the page, where these exist (the test program has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const window: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's global, typed by the page, not by this Node test (no DOM lib)
declare const document: any;

interface TaskDto {
  id: string;
  name: string;
  department: string | null;
  status: string;
  escalatedFrom?: unknown;
}

/** Runs code against the page's bpmn-js Modeler (window.batonModeler). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's bpmn-js Modeler, whose types are not part of this Node program
type PageModeler = any;

function inModeler<T, A = undefined>(page: Page, fn: (modeler: PageModeler, arg: A) => T, arg?: A): Promise<T> {
  return page.evaluate(([source, value]) => new Function('modeler', 'arg', `return (${source})(modeler, arg)`)(window.batonModeler, value), [fn.toString(), arg] as const) as Promise<T>;
}

async function selectElement(page: Page, id: string): Promise<void> {
  await inModeler(page, (modeler, elementId: string) => modeler.get('selection').select(modeler.get('elementRegistry').get(elementId)), id);
}

async function openBatonGroup(page: Page): Promise<void> {
  const header = page.locator('.bio-properties-panel-group-header', { hasText: /^Baton$/ });
  await header.waitFor();
  if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
}

/** Page errors other than the console line Chromium logs for the deploy the test expects to be refused. */
function unexpected(errors: string[]): string[] {
  return errors.filter((error) => !/status of (422 .*\/api\/definitions|403 .*\/api\/departments)\)$/.test(error));
}

async function status(page: Page): Promise<string> {
  return (await page.locator('#status').textContent()) ?? '';
}

describe('modeler in Chromium', function () {
  let b: BrowserBaton;
  let page: Page;

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
    page = b.page;
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${b.baseUrl}/modeler`);
    await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  });

  after(async () => {
    await b?.close();
  });

  it('draws a process with a department, a 2 s escalation and a FEEL condition, deploys it, and its task is routed then escalated', async function () {
    this.timeout(60_000);
    // given a new diagram from the template, with a gateway after the task
    await page.click('#new');
    await page.waitForFunction(() => document.body.dataset['diagram'] === 'a new process');
    const key = await inModeler(page, (modeler) => {
      const registry = modeler.get('elementRegistry');
      const modeling = modeler.get('modeling');
      const task = registry.get('Task_handle');
      const end = registry.get('EndEvent_done');
      modeling.removeElements([registry.get('Flow_to_end')]);
      modeling.moveElements([end], { x: 200, y: 0 });
      const gateway = modeling.appendShape(task, { type: 'bpmn:ExclusiveGateway' }, { x: 470, y: 160 }, task.parent);
      modeling.updateProperties(gateway, { id: 'Gateway_resolved', name: 'Resolved?' });
      const yes = modeling.connect(gateway, end);
      modeling.updateProperties(yes, { id: 'Flow_resolved', name: 'yes' });
      const again = modeling.appendShape(gateway, { type: 'bpmn:EndEvent' }, { x: 600, y: 300 }, task.parent);
      modeling.updateProperties(again, { name: 'Not resolved' });
      const no = gateway.outgoing.find((flow: { target: unknown }) => flow.target === again);
      modeling.updateProperties(no, { id: 'Flow_not_resolved', name: 'no' });
      modeling.updateProperties(gateway, { default: no.businessObject });
      return modeler.get('canvas').getRootElement().businessObject.id as string;
    });

    // when it is deployed with the "yes" flow lacking its condition, the refusal is listed and marked on the flow
    await page.click('#deploy');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('Deploy refused'));
    expect(await page.locator('#messages-list li[data-element-id="Flow_resolved"]').count()).to.be.greaterThan(0);
    expect(await page.locator('.djs-overlay-baton-deploy-issue .baton-issue-badge').count()).to.be.greaterThan(0);
    expect(await page.locator('[data-element-id="Flow_resolved"].baton-deploy-error').count()).to.be.greaterThan(0);

    // and lint warns while drawing that the task without a department would wait in the unrouted queue
    await page.waitForSelector('.djs-overlays[data-container-id="Task_handle"] .bjsl-icon-warning');

    // when the department is chosen in the Baton group
    await selectElement(page, 'Task_handle');
    await openBatonGroup(page);
    await page.selectOption('select[name="baton-department"]', 'first-line');
    expect(await inModeler(page, (m) => m.get('elementRegistry').get('Task_handle').businessObject.get('camunda:candidateGroups'))).to.equal('first-line');

    // and the assignment rule
    await page.selectOption('select[name="baton-assignment"]', 'least-loaded');

    // and "escalate after 2 s to L2" is added in one action (one undo removes all of it)
    await page.fill('input[name="sla-escalate-after"]', '2s');
    expect(await page.locator('select[name="sla-department"]').inputValue(), 'the parent department is suggested').to.equal('l1');
    await page.selectOption('select[name="sla-department"]', 'l2');
    const shapesBefore = await inModeler(page, (m) => m.get('elementRegistry').getAll().length);
    await page.click('button[name="sla-escalate"]');
    const added = await inModeler(page, (m) => {
      const timer = m.get('elementRegistry').filter((e: { type: string }) => e.type === 'bpmn:BoundaryEvent')[0];
      const definition = timer.businessObject.eventDefinitions[0];
      const next = timer.outgoing[0].target;
      return { duration: definition.timeDuration.body, cancel: timer.businessObject.cancelActivity, next: next.businessObject.get('camunda:candidateGroups'), onward: next.outgoing[0]?.target.id };
    });
    expect(added).to.deep.equal({ duration: 'PT2S', cancel: true, next: 'l2', onward: 'Gateway_resolved' });
    const shapesAfter = await inModeler(page, (m) => m.get('elementRegistry').getAll().length);
    await inModeler(page, (m) => m.get('commandStack').undo());
    expect(await inModeler(page, (m) => m.get('elementRegistry').getAll().length)).to.equal(shapesBefore);
    await inModeler(page, (m) => m.get('commandStack').redo());
    expect(await inModeler(page, (m) => m.get('elementRegistry').getAll().length)).to.equal(shapesAfter);

    // and "warn after 1 h" adds a non-interrupting timer
    await selectElement(page, 'Task_handle');
    await openBatonGroup(page);
    await page.fill('input[name="sla-warn-after"]', '1h');
    await page.click('button[name="sla-warn"]');
    const timers = await inModeler(page, (m) =>
      m
        .get('elementRegistry')
        .filter((e: { type: string }) => e.type === 'bpmn:BoundaryEvent')
        .map((e: { businessObject: { eventDefinitions: { timeDuration: { body: string } }[]; cancelActivity: boolean } }) => [
          e.businessObject.eventDefinitions[0]!.timeDuration.body,
          e.businessObject.cancelActivity,
        ]),
    );
    expect(timers).to.deep.include.members([
      ['PT2S', true],
      ['PT1H', false],
    ]);

    // and a FEEL condition is typed on the "yes" flow: a syntax error is shown, then fixed
    await selectElement(page, 'Flow_resolved');
    await openBatonGroup(page);
    await page.fill('input[name="baton-condition"]', '=resolved = = true');
    await page.waitForSelector('[data-entry-id="baton-condition"] .bio-properties-panel-error');
    await page.fill('input[name="baton-condition"]', '=resolved = true');
    await page.waitForFunction(() => !document.querySelector('[data-entry-id="baton-condition"] .bio-properties-panel-error'));
    await page.waitForFunction(() => window.batonModeler.get('elementRegistry').get('Flow_resolved').businessObject.conditionExpression?.body === '=resolved = true');

    // then the deploy goes through and says the version
    await page.click('#deploy');
    await page.waitForFunction((k) => document.body.dataset['deployed'] === `${k}:1`, key);
    expect(await status(page)).to.equal(`Deployed ${key} version 1`);
    expect(await page.locator('.baton-issue-badge').count()).to.equal(0);

    // when an instance starts through the API, its task is routed to the department
    const started = await b.http.request('POST', '/api/instances', { processKey: key, variables: { resolved: false } });
    expect(started.status).to.equal(201);
    const tasks = (await b.http.request('GET', `/api/tasks?processKey=${key}&department=first-line&status=open`)).body as TaskDto[];
    expect(tasks.map((t) => t.name)).to.deep.equal(['Handle the request']);
    expect((tasks[0] as unknown as { warnAt: string | null }).warnAt).to.be.a('string');
    // and a first-line staff member finds it in their inbox
    await addUser(b.baton, 'fiona', 'staff', ['first-line']);
    const staff = await b.context.browser()!.newContext();
    try {
      await signInContext(staff, b.baseUrl, { username: 'fiona', password: TEST_PASSWORD });
      const inbox = await staff.newPage();
      await inbox.goto(`${b.baseUrl}/inbox`);
      await inbox.waitForSelector(`li[data-task-id="${tasks[0]!.id}"]`, { timeout: 10_000 });
    } finally {
      await staff.close();
    }

    // and after 2 s the timer escalates it to L2
    let escalated: TaskDto[] = [];
    for (let i = 0; i < 50 && escalated.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      escalated = (await b.http.request('GET', `/api/tasks?processKey=${key}&department=l2&status=open`)).body as TaskDto[];
    }
    expect(escalated.map((t) => t.name)).to.deep.equal(['Handle the request (escalated)']);
    expect(escalated[0]?.escalatedFrom).to.not.equal(undefined);

    // and the deployed XML kept the Camunda attributes and Baton's properties
    const xml = (await b.http.request('GET', `/api/definitions/${key}/versions/1/xml`)).text;
    expect(xml).to.contain('camunda:candidateGroups="first-line"');
    expect(xml).to.match(/<camunda:property name="assignment" value="least-loaded"/);
    expect(xml).to.contain('=resolved = true');
    expect(unexpected(b.pageErrors)).to.deep.equal([]);
  });

  it('imports a MIWG diagram and exports it with the same elements', async () => {
    // given a reference diagram
    const file = 'A.2.0.bpmn';
    const original = readFileSync(miwgPath(file), 'utf8');
    // when it is imported through the file picker
    await page.setInputFiles('#import-file', miwgPath(file));
    await page.waitForFunction((name) => document.body.dataset['diagram'] === name, file);
    // and exported
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-bpmn')]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).to.match(/\.bpmn$/);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
    expect(svg.suggestedFilename()).to.match(/\.svg$/);
    expect(readFileSync((await svg.path())!, 'utf8')).to.match(/^<\?xml[^>]*>\s*<!--[^]*?-->\s*<svg|<svg/);
    // then every element id of the original is in the export
    const ids = (xml: string) => [...xml.matchAll(/<(?:\w+:)?(?:task|userTask|startEvent|endEvent|exclusiveGateway|sequenceFlow|parallelGateway)\b[^>]*\sid="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(ids(exported)).to.deep.equal(ids(original));
    expect(ids(original).length).to.be.greaterThan(3);
  });

  it('keeps the current diagram when a file is not BPMN, too large, or has no layout', async () => {
    const shown = await page.evaluate(() => document.body.dataset['diagram']);
    const cases: [string, Buffer, RegExp][] = [
      ['notes.txt', Buffer.from('just some text'), /not a BPMN 2.0 diagram/],
      ['huge.bpmn', Buffer.alloc(5 * 1024 * 1024 + 10, 32), /too large/],
      [
        'bare.bpmn',
        Buffer.from(
          '<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"><bpmn:process id="p"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>',
        ),
        /no layout/,
      ],
    ];
    for (const [name, buffer, message] of cases) {
      await page.setInputFiles('#import-file', { name, mimeType: 'application/octet-stream', buffer });
      await page.waitForFunction((n) => document.querySelector('#status')?.textContent?.startsWith(n), name);
      expect(await status(page))
        .to.match(message)
        .and.to.contain('kept the current diagram');
      expect(await page.evaluate(() => document.body.dataset['diagram'])).to.equal(shown);
      expect(await page.locator('.djs-container .djs-shape').count()).to.be.greaterThan(2);
    }
  });

  it('lints while drawing: a script task and an unknown handler are marked on their elements', async () => {
    // given a diagram with a script task and a service task calling a handler Baton does not have
    const shape = (id: string, x: number, w = 100, h = 80) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="100" width="${w}" height="${h}"/></bpmndi:BPMNShape>`;
    const edge = (id: string, x1: number, x2: number) => `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x1}" y="140"/><di:waypoint x="${x2}" y="140"/></bpmndi:BPMNEdge>`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">
  <bpmn:process id="lint-me" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Script_1"/>
    <bpmn:scriptTask id="Script_1" name="Compute" scriptFormat="javascript"><bpmn:script>next()</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Script_1" targetRef="Fax_1"/>
    <bpmn:serviceTask id="Fax_1" name="Send a fax" camunda:type="external" camunda:topic="fax"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Fax_1" targetRef="End"/>
    <bpmn:endEvent id="End" name="End"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="DI"><bpmndi:BPMNPlane id="P" bpmnElement="lint-me">
    ${shape('Start', 100, 36, 36)}${shape('Script_1', 200)}${shape('Fax_1', 360)}${shape('End', 520, 36, 36)}
    ${edge('F1', 136, 200)}${edge('F2', 300, 360)}${edge('F3', 460, 520)}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
    // when it is imported
    await page.setInputFiles('#import-file', { name: 'lint-me.bpmn', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await page.waitForFunction(() => document.body.dataset['diagram'] === 'lint-me.bpmn');
    // then lint marks both elements with an error, with deploy's message
    for (const id of ['Script_1', 'Fax_1']) await page.waitForSelector(`.djs-overlays[data-container-id="${id}"] .bjsl-icon-error`);
    const messages = await inModeler(page, (m) => m.get('linting')._issues);
    const text = JSON.stringify(messages);
    expect(text).to.match(/script/i);
    expect(text).to.contain("'fax'");
  });

  it('falls back to a typed department when the department list is not available', async () => {
    // given a page whose GET /api/departments is refused (e.g. a user without the right)
    const other = await b.newPage();
    await other.route('**/api/departments', (route) => route.fulfill({ status: 403, contentType: 'application/json', body: '{"error":{"code":"FORBIDDEN","message":"no"}}' }));
    await other.goto(`${b.baseUrl}/modeler?key=helpdesk-escalation`);
    await other.waitForSelector('body[data-ready]', { timeout: 20_000 });
    // when a user task is selected
    await selectElement(other, 'Task_L1');
    await openBatonGroup(other);
    // then the department is a text field with the current value, and typing sets it
    const field = other.locator('input[name="baton-department"]');
    expect(await field.inputValue()).to.equal('l1');
    await field.fill('l3');
    await other.waitForFunction(() => window.batonModeler.get('elementRegistry').get('Task_L1').businessObject.get('camunda:candidateGroups') === 'l3');
    expect(await other.locator('#status').textContent()).to.equal('Opened helpdesk-escalation version 1');
    await other.close();
  });

  it('imports every MIWG reference diagram without error and exports every id again', async function () {
    this.timeout(120_000);
    const failures: string[] = [];
    for (const file of miwgFiles()) {
      await page.evaluate(() => document.querySelector('#status')!.replaceChildren());
      await page.evaluate(() => (document.querySelector('#status')!.className = ''));
      await page.setInputFiles('#import-file', miwgPath(file));
      await page.waitForFunction((name) => document.body.dataset['diagram'] === name || document.querySelector('#status')?.className === 'error', file);
      if ((await page.evaluate(() => document.body.dataset['diagram'])) !== file) failures.push(`${file}: ${await status(page)}`);
      const { xml } = await inModeler(page, (m) => m.saveXML({ format: true }));
      if (!xml.includes('BPMNDiagram')) failures.push(`${file}: export has no diagram`);
      // every id of the original's model survives the export (bpmn-js redraws some layout: it moves
      // the shapes inside collapsed sub-processes to planes of their own, with new DI ids)
      const ids = (text: string) => new Set([...text.matchAll(/<(?!bpmndi:|di:|dc:)[\w-]+:?[\w-]*\b[^>]*?\sid="([^"]+)"/g)].map((m) => m[1]));
      const exported = ids(xml);
      // (text inside CDATA is content, not elements: the export writes it escaped)
      const original = readFileSync(miwgPath(file), 'utf8').replace(/<!\[CDATA\[[^]*?\]\]>/g, '');
      const missing = [...ids(original)].filter((id) => !exported.has(id));
      if (missing.length > 0) failures.push(`${file}: export lost ${missing.join(', ')}`);
    }
    expect(failures).to.deep.equal([]);
    expect(unexpected(b.pageErrors)).to.deep.equal([]);
  });
});

describe('modeler in Chromium: forms, compare, unsaved changes', function () {
  let b: BrowserBaton;
  let page: Page;
  const dialogs: string[] = [];

  before(async function () {
    skipWithoutChromium(this);
    b = await startBrowserBaton();
    page = b.page;
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void (dialog.type() === 'confirm' ? dialog.dismiss() : dialog.accept());
    });
    await page.goto(`${b.baseUrl}/modeler?key=helpdesk-escalation&version=1`);
    await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  });

  after(async () => {
    await b?.close();
  });

  it('edits a user task form with form-js; it is deployed with the version and served by form key', async function () {
    this.timeout(30_000);
    // given the shipped help-desk process, its first-line task selected
    await selectElement(page, 'Task_first_line');
    await openBatonGroup(page);
    // when its form is edited and saved
    await page.click('button[name="edit-form"]');
    await page.waitForSelector('#form-dialog[open] .fjs-editor-container', { timeout: 15_000 });
    await page.waitForFunction(() => Boolean(window.batonFormEditor));
    await page.evaluate(() =>
      window.batonFormEditor.importSchema({
        type: 'default',
        id: 'first-line-triage',
        components: [{ type: 'checkbox', key: 'resolved', label: 'Resolved at first line' }],
      }),
    );
    await page.click('#form-save');
    await page.waitForFunction(() => !document.querySelector('#form-dialog[open]'));
    // and the diagram is deployed
    await page.click('#deploy');
    await page.waitForFunction(() => document.body.dataset['deployed'] === 'helpdesk-escalation:2');
    // then the form is stored with version 2, and version 1 keeps the shipped one
    const keysOf = (body: unknown) => (body as { components: { key?: string }[] }).components.flatMap((c) => (c.key ? [c.key] : []));
    const form = await b.http.request('GET', '/api/definitions/helpdesk-escalation/versions/2/forms/first-line-triage');
    expect(form.status).to.equal(200);
    expect(keysOf(form.body)).to.deep.equal(['resolved']);
    const shipped = await b.http.request('GET', '/api/definitions/helpdesk-escalation/versions/1/forms/first-line-triage');
    expect(shipped.status).to.equal(200);
    expect(keysOf(shipped.body)).to.deep.equal(['resolved', 'resolution']);
    // and saving the form was one step on the undo stack
    expect(await inModeler(page, (m) => m.get('commandStack').canUndo())).to.equal(true);
  });

  it('compares the open diagram with another version on the diagram', async () => {
    // given version 2 open, with one task renamed since
    await inModeler(page, (m) => m.get('modeling').updateProperties(m.get('elementRegistry').get('Task_L2'), { name: 'Resolve at second line' }));
    // when compared with version 1
    await page.selectOption('#compare-version', '1');
    await page.click('#compare');
    await page.waitForFunction(() => document.querySelector('#messages-title')?.textContent?.startsWith('Compared with v1'));
    // then the renamed task is marked and listed as changed
    expect(await page.locator('[data-element-id="Task_L2"].baton-diff-changed').count()).to.equal(1);
    const listed = await page.locator('#messages-list li[data-element-id="Task_L2"]').textContent();
    expect(listed).to.contain('changed: name');
  });

  it('asks before discarding unsaved changes, and keeps them when told no', async () => {
    // given a changed diagram (the rename above)
    const before = await page.evaluate(() => document.body.dataset['diagram']);
    // when "New" is clicked and the question is answered no
    await page.click('#new');
    // then the diagram stays
    expect(dialogs).to.include('confirm');
    expect(await page.evaluate(() => document.body.dataset['diagram'])).to.equal(before);
    expect(await inModeler(page, (m) => m.get('elementRegistry').get('Task_L2').businessObject.name)).to.equal('Resolve at second line');
    // and leaving the page asks too
    const asked = page.waitForEvent('dialog');
    await page.close({ runBeforeUnload: true });
    expect((await asked).type()).to.equal('beforeunload');
  });
});
