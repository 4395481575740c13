/**
 * The signed-in user of a page. Pages call `requireSession()` first: without a session the browser
 * goes to `/login` and comes back afterwards. The CSRF token the server hands out with the session
 * is kept here and sent by `api.ts` on every change (the cookie alone is not enough to change
 * anything).
 */
import type { SignInBody } from '../../../server/contracts/auth.js';
import type { UserView } from '../../../server/users/user.js';
import { t } from './i18n.js';

export type { UserView };

export interface Session {
  user: UserView;
  csrfToken: string | null;
}

let current: Session | null = null;

export function csrfToken(): string | null {
  return current?.csrfToken ?? null;
}

/** Only a same-origin path may be a return address (`//evil.example` is another origin). */
export function safeNext(value: string | null, fallback = '/'): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

export function goToLogin(): never {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  // The page is leaving; nothing after this should run.
  throw new SignedOut();
}

export class SignedOut extends Error {
  constructor() {
    super('not signed in');
    this.name = 'SignedOut';
  }
}

export async function requireSession(): Promise<Session> {
  const response = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.status === 401) goToLogin();
  if (!response.ok) throw new Error(`Could not read the session: ${response.status} ${response.statusText}`);
  const body = (await response.json()) as { user: UserView | null; csrfToken: string | null };
  if (!body.user) goToLogin();
  current = { user: body.user, csrfToken: body.csrfToken };
  return current;
}

export async function signIn(username: string, password: string): Promise<Session> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password } satisfies SignInBody),
  });
  const body = (await response.json().catch(() => ({}))) as {
    user?: UserView;
    csrfToken?: string;
    error?: { message?: string };
  };
  if (!response.ok || !body.user) {
    const retryAfter = response.headers.get('retry-after');
    const message =
      response.status === 429 && retryAfter
        ? t('login:tooMany', { minutes: Math.ceil(Number(retryAfter) / 60) })
        : response.status === 401
          ? t('login:wrong')
          : (body.error?.message ?? t('login:failed', { status: response.status }));
    throw new Error(message);
  }
  current = { user: body.user, csrfToken: body.csrfToken ?? null };
  return current;
}

export async function signOut(): Promise<void> {
  const token = csrfToken();
  await fetch('/api/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: token ? { 'x-csrf-token': token } : {},
  });
  current = null;
  location.assign('/login');
}

/** "alice (staff) · Sign out" at the end of a page's header. */
export function mountUserBadge(container: HTMLElement, session: Session): void {
  const badge = document.createElement('span');
  badge.className = 'baton-user';
  badge.dataset['user'] = session.user.username;
  badge.textContent = `${session.user.displayName || session.user.username} (${session.user.role})`;
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'sign-out';
  button.textContent = t('common:nav.signOut');
  button.addEventListener('click', () => void signOut());
  container.append(badge, button);
}
