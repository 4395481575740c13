/** The administration routes the /admin page calls, through api.ts (credentials, CSRF, errors). */
import type { OutboxMessage } from '../../../server/outbox/outbox-message.js';
import type { UserView } from '../../../server/users/user.js';
import { json, request, type Department } from '../shared/api.js';

export type { Department, OutboxMessage, UserView };

export interface TokenRow {
  id: string;
  kind: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

const enc = encodeURIComponent;

export const adminApi = {
  users: () => json<UserView[]>('GET', '/api/users'),
  createUser: (body: { username: string; password: string; role: string; departments: string[]; skills: string[] }) => json<UserView>('POST', '/api/users', { json: body }),
  patchUser: (id: string, body: Record<string, unknown>) => json<UserView>('PATCH', `/api/users/${enc(id)}`, { json: body }),
  resetPassword: async (id: string, password: string) => void (await request('POST', `/api/users/${enc(id)}/password`, { json: { password } })),
  tokens: (id: string) => json<TokenRow[]>('GET', `/api/users/${enc(id)}/tokens`),
  createToken: (id: string, expiresAt: string) => json<{ token: string; id: string; expiresAt: string }>('POST', `/api/users/${enc(id)}/tokens`, { json: { expiresAt } }),
  revokeToken: async (id: string, tokenId: string) => void (await request('DELETE', `/api/users/${enc(id)}/tokens/${enc(tokenId)}`)),
  departments: () => json<Department[]>('GET', '/api/departments'),
  createDepartment: (body: { id: string; name: string; parentId: string | null }) => json<Department>('POST', '/api/departments', { json: body }),
  patchDepartment: (id: string, body: { parentId: string | null }) => json<Department>('PATCH', `/api/departments/${enc(id)}`, { json: body }),
  heads: () => json<Record<string, string>>('GET', '/api/departments/heads'),
  setHead: (id: string, username: string | null) => json<unknown>('PUT', `/api/departments/${enc(id)}/head`, { json: { username } }),
  outbox: (state: string) => json<OutboxMessage[]>('GET', `/api/outbox?state=${enc(state)}`),
  resend: (id: string) => json<unknown>('POST', `/api/outbox/${enc(id)}/resend`, { json: {} }),
};
