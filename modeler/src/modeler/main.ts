/**
 * /modeler: open a deployed version, start from a template or a file, edit with the Camunda 7
 * properties and the Baton group, lint while drawing, compare versions, export, and deploy.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import './modeler.css';

import { ApiError, api, json, type ErrorIssue } from '../shared/api.js';
import { $, errorText } from '../shared/dom.js';
import { formatDateTime, t, translatePage } from '../shared/i18n.js';
import { accountLanguagePicker } from '../shared/account.js';
import { mountNotifications } from '../shared/notifications.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { clearComparison, compareDefinitions, markComparison } from './compare.js';
import type { BusinessObject, Canvas, CommandStack, ElementRegistry, EventBus, Overlays, Shape } from './diagram-types.js';
import { createEditor, updateLint } from './editor.js';
import { setUpFormDialog } from './forms.js';
import { importProblem } from './import-check.js';
import { renameClashingPrefixes } from './namespaces.js';
import newProcessTemplate from './new-process.bpmn';
import { FORM_EDIT_EVENT, type BatonCatalog } from './properties/baton-provider.js';

translatePage();

const catalog: BatonCatalog = { departments: [], handlers: [] };
const editor = createEditor($('#canvas'), $('#properties'), catalog);
const service = <T>(name: string) => editor.get(name) as T;

const ui = {
  process: $<HTMLSelectElement>('#process'),
  version: $<HTMLSelectElement>('#version'),
  compareVersion: $<HTMLSelectElement>('#compare-version'),
  status: $('#status'),
  messages: $('#messages'),
  messagesTitle: $('#messages-title'),
  messagesList: $('#messages-list'),
};

/** What is open: a deployed version, or a new/imported diagram (`null`). */
let opened: { key: string; version: number } | null = null;
/** Edited since it was opened, imported, exported or deployed (an untouched template or file is not). */
let dirty = false;
/** The XML of what the editor last showed successfully: restored when an import fails half-way. */
let shownXml: string | null = null;

function say(text: string, kind: 'ok' | 'error' | 'info' = 'info'): void {
  ui.status.textContent = text;
  ui.status.className = kind;
}

function showMessages(title: string, items: { elementId: string | null; message: string; kind: 'error' | 'warning' | 'info' }[]): void {
  ui.messagesTitle.textContent = title;
  ui.messagesList.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement('li');
      li.className = item.kind;
      const elementId = item.elementId;
      if (elementId) {
        li.dataset['elementId'] = elementId;
        const code = document.createElement('code');
        code.textContent = elementId;
        li.append(code, ' ');
        li.addEventListener('click', () => select(elementId));
      }
      li.append(item.message);
      return li;
    }),
  );
  ui.messages.hidden = false;
}

function hideMessages(): void {
  ui.messages.hidden = true;
  ui.messagesList.replaceChildren();
}
$('#messages-close').addEventListener('click', hideMessages);

function select(elementId: string): void {
  const element = service<ElementRegistry>('elementRegistry').get(elementId);
  if (element) (editor.get('selection') as { select(element: Shape): void }).select(element);
}

// ---------------------------------------------------------------- deploy errors on the diagram

function clearDeployIssues(): void {
  const canvas = service<Canvas>('canvas');
  for (const element of service<ElementRegistry>('elementRegistry').getAll()) canvas.removeMarker(element, 'baton-deploy-error');
  service<Overlays>('overlays').remove({ type: 'baton-deploy-issue' });
}

function markDeployIssues(issues: ErrorIssue[]): void {
  const registry = service<ElementRegistry>('elementRegistry');
  const byElement = new Map<string, string[]>();
  for (const issue of issues) {
    if (issue.elementId && registry.get(issue.elementId)) byElement.set(issue.elementId, [...(byElement.get(issue.elementId) ?? []), issue.message]);
  }
  for (const [elementId, messages] of byElement) {
    service<Canvas>('canvas').addMarker(elementId, 'baton-deploy-error');
    const badge = document.createElement('div');
    badge.className = 'baton-issue-badge';
    badge.textContent = String(messages.length);
    badge.title = messages.join('\n');
    service<Overlays>('overlays').add(elementId, 'baton-deploy-issue', { position: { top: -9, left: -9 }, html: badge });
  }
}

// ---------------------------------------------------------------- showing a diagram

function confirmDiscard(): boolean {
  return !dirty || window.confirm(t('modeler:confirmDiscard'));
}

/** Shows the XML; on failure the previous diagram comes back and the error is thrown. */
async function show(xml: string, source: { key: string; version: number } | null, label: string): Promise<void> {
  hideMessages();
  try {
    const { warnings } = await editor.importXML(xml);
    shownXml = xml;
    opened = source;
    dirty = false;
    // Fit, then a little smaller and centred, so the palette does not cover the diagram's edge.
    const canvas = service<Canvas>('canvas');
    canvas.zoom(canvas.zoom('fit-viewport', 'auto') * 0.88, 'auto');
    canvas.scroll({ dx: 30, dy: 0 });
    document.body.dataset['diagram'] = source ? `${source.key}:${source.version}` : label;
    say(t('modeler:opened', { label }), 'ok');
    if (warnings.length > 0)
      showMessages(
        t('modeler:importWarnings', { count: warnings.length }),
        warnings.map((w: unknown) => ({ elementId: null, message: String((w as { message?: string }).message ?? w), kind: 'warning' as const })),
      );
  } catch (err) {
    if (shownXml !== null) await editor.importXML(shownXml).catch(() => undefined);
    throw err;
  }
}

async function openDeployed(key: string, version: number): Promise<void> {
  await show(await api.xml(key, version), { key, version }, t('modeler:openedVersion', { key, version }));
  if (ui.process.value !== key) ui.process.value = key;
  await fillVersions(key, version);
}

async function importText(original: string, bytes: number, name: string): Promise<void> {
  const text = renameClashingPrefixes(original);
  const problem = await importProblem(text, bytes, service('moddle'), t);
  if (problem) {
    say(t('modeler:importKept', { name, problem }), 'error');
    return;
  }
  try {
    await show(text, null, name);
  } catch (err) {
    say(t('modeler:importFailed', { name, message: errorText(err) }), 'error');
  }
}

// ---------------------------------------------------------------- lists

/** Each deployed process's latest version, as the process list last read it. */
const latestVersion = new Map<string, number>();

async function fillProcesses(): Promise<void> {
  const definitions = await api.definitions();
  latestVersion.clear();
  for (const d of definitions) latestVersion.set(d.key, d.version);
  const current = ui.process.value;
  ui.process.replaceChildren(new Option(t('modeler:toolbar.processes'), ''), ...definitions.map((d) => new Option(`${d.name} (${d.key})`, d.key)));
  ui.process.value = definitions.some((d) => d.key === current) ? current : '';
}

async function fillVersions(key: string, selected?: number): Promise<void> {
  const versions = key ? await api.versions(key) : [];
  const options = (label: (v: (typeof versions)[number]) => string) => versions.map((v) => new Option(label(v), String(v.version))).reverse();
  ui.version.replaceChildren(...options((v) => `v${v.version} · ${formatDateTime(v.deployedAt)}`));
  if (selected !== undefined) ui.version.value = String(selected);
  ui.compareVersion.replaceChildren(new Option(t('modeler:toolbar.compareWithOption'), ''), ...options((v) => `v${v.version}`));
}

async function loadCatalog(): Promise<void> {
  // Both lists are optional: without them the panel falls back to free text and lint skips them.
  const [departments, connectors, calendars] = await Promise.allSettled([api.departments(), api.connectors(), json<{ id: string; name: string }[]>('GET', '/api/calendars')]);
  catalog.departments = departments.status === 'fulfilled' ? departments.value : [];
  catalog.handlers = connectors.status === 'fulfilled' ? connectors.value.map((c) => c.name) : [];
  catalog.calendars = calendars.status === 'fulfilled' ? calendars.value : [];
  updateLint(editor, catalog);
}

// ---------------------------------------------------------------- toolbar

function download(name: string, type: string, text: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function baseName(): string {
  const root = service<Canvas>('canvas').getRootElement().businessObject;
  const process = root.$type === 'bpmn:Process' ? root : (root.get<BusinessObject[] | undefined>('participants')?.[0]?.['processRef'] as BusinessObject | undefined);
  return String(process?.id ?? root.id ?? 'diagram');
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof SignedOut) return; // on the way to the sign-in page
    say(errorText(err), 'error');
  }
}

ui.process.addEventListener('change', () => void run(() => fillVersions(ui.process.value)));
$('#open').addEventListener(
  'click',
  () =>
    void run(async () => {
      const key = ui.process.value;
      const version = Number(ui.version.value);
      if (!key || !version) return say(t('modeler:chooseVersion'), 'error');
      if (confirmDiscard()) await openDeployed(key, version);
    }),
);
$('#new').addEventListener(
  'click',
  () =>
    void run(async () => {
      if (!confirmDiscard()) return;
      const id = `service-process-${Date.now().toString(36)}`;
      await show(newProcessTemplate.replaceAll('{{id}}', id), null, t('modeler:newProcess'));
    }),
);
const fileInput = $<HTMLInputElement>('#import-file');
$('label[for="import-file"]').addEventListener('click', (event) => {
  if (!confirmDiscard()) event.preventDefault();
});
fileInput.addEventListener(
  'change',
  () =>
    void run(async () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) await importText(await file.text(), file.size, file.name);
    }),
);
$('#export-bpmn').addEventListener(
  'click',
  () =>
    void run(async () => {
      const { xml } = await editor.saveXML({ format: true });
      download(`${baseName()}.bpmn`, 'application/xml', xml ?? '');
      dirty = false;
    }),
);
$('#export-svg').addEventListener(
  'click',
  () =>
    void run(async () => {
      const { svg } = await editor.saveSVG();
      download(`${baseName()}.svg`, 'image/svg+xml', svg);
    }),
);
$('#compare').addEventListener(
  'click',
  () =>
    void run(async () => {
      const key = opened?.key ?? ui.process.value;
      const version = Number(ui.compareVersion.value);
      if (!key || !version) return say(t('modeler:chooseCompare'), 'error');
      const older = (await service<{ fromXML(xml: string): Promise<{ rootElement: unknown }> }>('moddle').fromXML(await api.xml(key, version))).rootElement;
      const comparison = compareDefinitions(older, editor.getDefinitions());
      markComparison(comparison, service('canvas'), service('elementRegistry'));
      const items = [
        ...comparison.added.map((id) => ({ elementId: id, message: t('modeler:compare.added'), kind: 'info' as const })),
        ...comparison.changed.map(({ id, attrs }) => ({ elementId: id, message: t('modeler:compare.changed', { attrs: attrs.join(', ') }), kind: 'warning' as const })),
        ...comparison.removed.map(({ id, type }) => ({ elementId: null, message: t('modeler:compare.removed', { type, id }), kind: 'error' as const })),
        ...comparison.moved.map((id) => ({ elementId: id, message: t('modeler:compare.moved'), kind: 'info' as const })),
      ];
      showMessages(t('modeler:compare.title', { version, added: comparison.added.length, changed: comparison.changed.length, removed: comparison.removed.length }), items);
      say(t('modeler:compare.shown', { version }), 'ok');
    }),
);
$('#messages-close').addEventListener('click', () => clearComparison(service('canvas'), service('elementRegistry')));
$('#deploy').addEventListener(
  'click',
  () =>
    void run(async () => {
      clearDeployIssues();
      hideMessages();
      const { xml } = await editor.saveXML({ format: true });
      say(t('modeler:deploying'));
      try {
        const deployed = await api.deploy(xml ?? '');
        dirty = false;
        opened = { key: deployed.key, version: deployed.version };
        await fillProcesses();
        ui.process.value = deployed.key;
        await fillVersions(deployed.key, deployed.version);
        say(t(deployed.created ? 'modeler:deployed' : 'modeler:unchanged', { key: deployed.key, version: deployed.version }), 'ok');
        if (deployed.warnings.length > 0) {
          showMessages(
            t('modeler:deployWarnings', { count: deployed.warnings.length }),
            deployed.warnings.map((w) => ({ ...w, kind: 'warning' as const })),
          );
        }
        // Last, so whoever waits for it (the browser tests) sees the finished page.
        document.body.dataset['deployed'] = `${deployed.key}:${deployed.version}`;
      } catch (err) {
        if (!(err instanceof ApiError) || err.issues.length === 0) throw err;
        markDeployIssues(err.issues);
        showMessages(
          t('modeler:refusedTitle', { count: err.issues.length }),
          err.issues.map((issue) => ({ ...issue, kind: 'error' as const })),
        );
        say(t('modeler:refused', { message: err.message }), 'error');
      }
    }),
);

// ---------------------------------------------------------------- guards and wiring

service<EventBus>('eventBus').on('commandStack.changed', () => {
  dirty = true;
});
window.addEventListener('beforeunload', (event) => {
  if (dirty) event.preventDefault();
});
const openForm = setUpFormDialog(() => service<CommandStack>('commandStack'), say);
service<EventBus>('eventBus').on<{ element: Shape }>(FORM_EDIT_EVENT, (event) => {
  void run(() => openForm(event.element));
});

/** `?key=…&version=…` opens that version; else the first deployed process, else a new one. */
async function start(): Promise<void> {
  const session = await requireSession();
  mountNotifications($('.toolbar'));
  $('.toolbar').append(accountLanguagePicker());
  mountTicketSearch($('.toolbar'));
  mountUserBadge($('.toolbar'), session);
  await Promise.all([loadCatalog(), fillProcesses()]);
  const params = new URLSearchParams(location.search);
  const key = params.get('key') ?? ui.process.options[1]?.value;
  if (key) {
    // The process list already named the latest version; a key it lacks is asked for (and 404s in words).
    const version = Number(params.get('version')) || latestVersion.get(key) || Math.max(...(await api.versions(key)).map((v) => v.version));
    await openDeployed(key, version);
  } else {
    await show(newProcessTemplate.replaceAll('{{id}}', `service-process-${Date.now().toString(36)}`), null, t('modeler:newProcess'));
  }
  document.body.dataset['ready'] = 'true';
}

void run(start);

/** For the browser tests and the console: the editor instance. */
(window as unknown as { batonModeler: unknown }).batonModeler = editor;
