/**
 * /admin (issue 18): users (create, disable — their tasks go back to the queues —, reset a
 * password, API tokens with an expiry), the departments as the escalation tree (change a parent,
 * add one), and the outbox (pending, failed with the SMTP error, sent; resend).
 */
import '../shared/console.css';
import './admin.css';

import { ApiError } from '../shared/api.js';
import { $, el, errorText } from '../shared/dom.js';
import { formatDateTime, languagePicker, t, translatePage } from '../shared/i18n.js';
import { SignedOut, mountUserBadge, requireSession } from '../shared/session.js';
import { mountTicketSearch } from '../shared/header.js';
import { adminApi, type Department, type OutboxState, type Role, type UserView } from './admin-api.js';
import { departmentTree, type DepartmentNode } from './department-tree.js';

const message = $('#message');

function say(text: string, kind: 'ok' | 'error' | 'busy' = 'ok'): void {
  message.textContent = text;
  message.className = kind === 'ok' ? '' : kind;
}

async function busy(work: () => Promise<void>): Promise<void> {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('main button')];
  buttons.forEach((button) => (button.disabled = true));
  say(t('common:action.loading'), 'busy');
  try {
    await work();
  } catch (err) {
    if (err instanceof SignedOut) return;
    say(err instanceof ApiError && err.status === 403 ? t('admin:notAllowed') : errorText(err), 'error');
  } finally {
    buttons.forEach((button) => (button.disabled = false));
  }
}

function action(label: string, run: () => Promise<void>, data: Record<string, string> = {}): HTMLButtonElement {
  const node = el('button', { text: label, data });
  node.type = 'button';
  node.addEventListener('click', () => void busy(run));
  return node;
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

// ---- users ----

async function loadUsers(): Promise<void> {
  const users = await adminApi.users();
  $<HTMLTableSectionElement>('#user-table > tbody').replaceChildren(...users.map(userRow));
}

function userRow(user: UserView): HTMLTableRowElement {
  const toggle = action(
    user.disabled ? t('admin:users.enable') : t('admin:users.disable'),
    async () => {
      await adminApi.patchUser(user.id, { disabled: !user.disabled });
      await loadUsers();
      say(t(user.disabled ? 'admin:users.enabledDone' : 'admin:users.disabledDone', { username: user.username }));
    },
    { toggle: user.username },
  );
  const password = el('input');
  password.type = 'password';
  password.autocomplete = 'new-password';
  password.setAttribute('aria-label', t('admin:users.newPassword', { username: user.username }));
  const reset = action(t('admin:users.resetPassword'), async () => {
    await adminApi.resetPassword(user.id, password.value);
    password.value = '';
    say(t('admin:users.passwordReset', { username: user.username }));
  });
  const tokens = action(t('admin:users.tokens'), () => showTokens(user), { tokens: user.username });
  const tr = el('tr', { data: { username: user.username } });
  const cells: (string | Node)[] = [
    user.username,
    user.role,
    user.departments.join(', '),
    user.disabled ? t('admin:users.disabled') : t('admin:users.active'),
    el('span', { className: 'actions' }, toggle, ' ', password, reset, ' ', tokens),
  ];
  tr.append(...cells.map((cell) => el('td', {}, cell)));
  return tr;
}

async function showTokens(user: UserView): Promise<void> {
  const box = $('#tokens');
  const tokens = await adminApi.tokens(user.id);
  const expiry = el('input');
  expiry.type = 'date';
  expiry.setAttribute('aria-label', t('admin:users.expiry'));
  const soon = new Date(Date.now() + 30 * 86_400_000);
  expiry.value = soon.toISOString().slice(0, 10);
  const create = action(
    t('admin:users.createToken'),
    async () => {
      const issued = await adminApi.createToken(user.id, new Date(`${expiry.value}T23:59:59`).toISOString());
      await showTokens(user);
      box.append(el('p', { className: 'token-shown' }, t('admin:users.tokenShown', { username: user.username, token: '' }), el('code', { className: 'secret', text: issued.token })));
      say('');
    },
    { createToken: user.username },
  );
  box.hidden = false;
  box.replaceChildren(
    el('h3', { text: t('admin:users.tokensOf', { username: user.username }) }),
    tokens.length === 0
      ? el('p', { text: t('admin:users.noTokens') })
      : el(
          'ul',
          {},
          ...tokens.map((token) =>
            el(
              'li',
              { data: { token: token.id } },
              `${token.id.slice(0, 8)}… · ${t('admin:users.expires', { at: formatDateTime(token.expiresAt) })} `,
              action(t('admin:users.revoke'), async () => {
                await adminApi.revokeToken(user.id, token.id);
                await showTokens(user);
                say(t('admin:users.revoked'));
              }),
            ),
          ),
        ),
    el('label', {}, `${t('admin:users.expiry')} `, expiry),
    create,
  );
}

function wireUserForm(): void {
  const form = $<HTMLFormElement>('#new-user');
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(async () => {
      // The role select offers ROLES only; the server refuses anything else with a 400.
      const created = await adminApi.createUser({
        username: value('username'),
        password: value('password'),
        role: value('role') as Role,
        departments: list(value('departments')),
        skills: list(value('skills')),
      });
      form.reset();
      await loadUsers();
      say(t('admin:users.created', { username: created.username }));
    });
  });
}

// ---- departments ----

async function loadDepartments(): Promise<void> {
  const [departments, heads, users] = await Promise.all([adminApi.departments(), adminApi.heads(), adminApi.users()]);
  const active = users.filter((user) => !user.disabled).map((user) => user.username);
  const render = (nodes: DepartmentNode<Department>[]): HTMLLIElement[] =>
    nodes.map(({ department, children }) => {
      const parent = parentSelect(departments, department);
      const head = headSelect(department, active, heads[department.id] ?? null);
      const item = el(
        'li',
        { data: { department: department.id } },
        el(
          'span',
          { className: 'node' },
          el('strong', { text: department.name }),
          el('code', { text: department.id }),
          el('label', {}, `${t('admin:departments.parent')} `, parent),
          el('label', {}, `${t('admin:departments.head')} `, head),
        ),
      );
      if (children.length) item.append(el('ul', {}, ...render(children)));
      return item;
    });
  $('#department-tree').replaceChildren(...render(departmentTree(departments)));
  const formParent = $<HTMLFormElement>('#new-department').elements.namedItem('parentId') as HTMLSelectElement;
  formParent.replaceChildren(new Option(t('admin:departments.none'), ''), ...departments.map((department) => new Option(department.name, department.id)));
}

function parentSelect(all: Department[], department: Department): HTMLSelectElement {
  const select = el('select', { data: { parentOf: department.id } });
  select.append(new Option(t('admin:departments.none'), ''), ...all.filter((other) => other.id !== department.id).map((other) => new Option(other.name, other.id)));
  select.value = department.parentId ?? '';
  select.addEventListener(
    'change',
    () =>
      void busy(async () => {
        const parentId = select.value || null;
        await adminApi.patchDepartment(department.id, { parentId });
        await loadDepartments();
        say(t('admin:departments.saved', { name: department.name, parent: all.find((other) => other.id === parentId)?.name ?? t('admin:departments.none') }));
      }),
  );
  return select;
}

function headSelect(department: Department, usernames: string[], current: string | null): HTMLSelectElement {
  const select = el('select', { data: { headOf: department.id } });
  const names = current && !usernames.includes(current) ? [current, ...usernames] : usernames;
  select.append(new Option(t('admin:departments.noHead'), ''), ...names.map((name) => new Option(name, name)));
  select.value = current ?? '';
  select.addEventListener(
    'change',
    () =>
      void busy(async () => {
        await adminApi.setHead(department.id, select.value || null);
        await loadDepartments();
        say(select.value ? t('admin:departments.headSaved', { name: department.name, head: select.value }) : t('admin:departments.headRemoved', { name: department.name }));
      }),
  );
  return select;
}

function wireDepartmentForm(): void {
  const form = $<HTMLFormElement>('#new-department');
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(async () => {
      const created = await adminApi.createDepartment({ id: value('id'), name: value('name'), parentId: value('parentId') || null });
      form.reset();
      await loadDepartments();
      say(t('admin:departments.created', { name: created.name }));
    });
  });
}

// ---- outbox ----

async function loadOutbox(): Promise<void> {
  // The select offers the outbox's states only; the server checks the query again.
  const state = $<HTMLSelectElement>('#outbox-state').value as OutboxState;
  const messages = await adminApi.outbox(state);
  const body = $<HTMLTableSectionElement>('#outbox-table > tbody');
  if (messages.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { text: t('admin:outbox.none') })));
    return;
  }
  body.replaceChildren(
    ...messages.map((outbound) => {
      const tr = el('tr', { data: { outbox: outbound.id } });
      const resend = outbound.sentAt
        ? ''
        : action(
            t('admin:outbox.resend'),
            async () => {
              await adminApi.resend(outbound.id);
              await loadOutbox();
              say(t('admin:outbox.resent'));
            },
            { resend: outbound.id },
          );
      const cells: (string | Node)[] = [
        String(outbound.payload['to'] ?? ''),
        String(outbound.payload['subject'] ?? ''),
        formatDateTime(outbound.createdAt),
        String(outbound.attempts),
        outbound.sentAt ? formatDateTime(outbound.sentAt) : (outbound.lastError ?? ''),
        resend,
      ];
      tr.append(...cells.map((cell) => el('td', {}, cell)));
      return tr;
    }),
  );
}

// ---- tabs ----

function showTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) tab.setAttribute('aria-selected', String(tab.dataset['tab'] === name));
  for (const panel of document.querySelectorAll<HTMLElement>('[data-panel]')) panel.hidden = panel.dataset['panel'] !== name;
  history.replaceState(null, '', `#${name}`);
  const load = name === 'departments' ? loadDepartments : name === 'outbox' ? loadOutbox : loadUsers;
  void busy(async () => {
    await load();
    say('');
  });
}

async function main(): Promise<void> {
  translatePage();
  const session = await requireSession();
  const user = $('#user');
  mountTicketSearch(user);
  mountUserBadge(user, session);
  user.prepend(languagePicker());
  if (session.user.role !== 'admin') {
    say(t('admin:notAllowed'), 'error');
    return;
  }
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) tab.addEventListener('click', () => showTab(tab.dataset['tab'] ?? ''));
  $<HTMLSelectElement>('#outbox-state').addEventListener('change', () => void busy(loadOutbox));
  wireUserForm();
  wireDepartmentForm();
  const wanted = location.hash.slice(1);
  showTab(['users', 'departments', 'outbox'].includes(wanted) ? wanted : 'users');
  document.body.dataset['ready'] = 'true';
}

void main().catch((err: unknown) => {
  if (!(err instanceof SignedOut)) say(t('admin:failed', { message: errorText(err) }), 'error');
});
