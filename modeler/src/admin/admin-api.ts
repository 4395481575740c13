/** The administration routes the /admin page calls, through api.ts (credentials, CSRF, errors). */
import type { DepartmentHeadBody, DepartmentPatchBody, NewDepartmentBody } from '../../../server/contracts/departments.js';
import type { OutboxState } from '../../../server/contracts/outbox.js';
import type { IssuedToken, NewUserBody, PasswordResetBody, Role, TokenRequestBody, TokenRow, UserPatchBody } from '../../../server/contracts/users.js';
import type { OutboxMessage } from '../../../server/outbox/outbox-message.js';
import type { UserView } from '../../../server/users/user.js';
import { json, request, type Department } from '../shared/api.js';

export type { Department, OutboxMessage, OutboxState, Role, TokenRow, UserView };

const enc = encodeURIComponent;

export const adminApi = {
  users: () => json<UserView[]>('GET', '/api/users'),
  createUser: (body: NewUserBody) => json<UserView>('POST', '/api/users', { json: body }),
  patchUser: (id: string, body: UserPatchBody) => json<UserView>('PATCH', `/api/users/${enc(id)}`, { json: body }),
  resetPassword: async (id: string, password: string) => void (await request('POST', `/api/users/${enc(id)}/password`, { json: { password } satisfies PasswordResetBody })),
  tokens: (id: string) => json<TokenRow[]>('GET', `/api/users/${enc(id)}/tokens`),
  createToken: (id: string, expiresAt: string) => json<IssuedToken>('POST', `/api/users/${enc(id)}/tokens`, { json: { expiresAt } satisfies TokenRequestBody }),
  revokeToken: async (id: string, tokenId: string) => void (await request('DELETE', `/api/users/${enc(id)}/tokens/${enc(tokenId)}`)),
  departments: () => json<Department[]>('GET', '/api/departments'),
  /** A new department answers without a calendar (none is set yet). */
  createDepartment: (body: NewDepartmentBody) => json<Omit<Department, 'calendarId'>>('POST', '/api/departments', { json: body }),
  patchDepartment: (id: string, body: DepartmentPatchBody) => json<Department>('PATCH', `/api/departments/${enc(id)}`, { json: body }),
  heads: () => json<Record<string, string>>('GET', '/api/departments/heads'),
  setHead: (id: string, username: string | null) => json<unknown>('PUT', `/api/departments/${enc(id)}/head`, { json: { username } satisfies DepartmentHeadBody }),
  outbox: (state: OutboxState) => json<OutboxMessage[]>('GET', `/api/outbox?state=${enc(state)}`),
  resend: (id: string) => json<unknown>('POST', `/api/outbox/${enc(id)}/resend`, { json: {} }),
};
