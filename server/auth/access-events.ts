import { EventEmitter } from 'node:events';

import type { DepartmentRecord } from '../departments/department.js';
import type { UserRecord } from '../users/user.js';

interface AccessEventMap {
  /** A session ended or a token was revoked: sockets opened with it must go. */
  'credential.revoked': [{ credentialId: string; userId: string }];
  /** A user's role, departments or status changed: their sockets' rooms are re-evaluated. */
  'user.changed': [UserRecord];
  /** A new department: tasks already routed to its id (unrouted until now) join its queue. */
  'department.created': [DepartmentRecord];
}

/** Changes to who may see what, for the live layer; emitted after the change is saved. */
export class AccessEvents extends EventEmitter<AccessEventMap> {}
