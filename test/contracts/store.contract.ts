import { auditStoreContract } from './audit-store.contract.js';
import { definitionStoreContract } from './definition-store.contract.js';
import { customerStoreContract } from './customer-store.contract.js';
import { departmentStoreContract } from './department-store.contract.js';
import { fieldStoreContract } from './field-store.contract.js';
import type { CloseStore, OpenSibling, OpenStore } from './harness.js';
import { instanceStoreContract } from './instance-store.contract.js';
import { notificationStoreContract } from './notification-store.contract.js';
import { outboxStoreContract } from './outbox-store.contract.js';
import { processScheduleContract } from './process-schedule.contract.js';
import { rateLimitContract } from './rate-limit.contract.js';
import { stepCommitContract } from './step-commit.contract.js';
import { taskStoreContract } from './task-store.contract.js';
import { timerJobsContract } from './timer-jobs.contract.js';
import { timerStoreContract } from './timer-store.contract.js';
import { userStoreContract } from './user-store.contract.js';

export type { CloseStore, OpenSibling, OpenStore } from './harness.js';

/**
 * Every port suite, for an adapter's test file to run in one call. `open` must give an empty
 * store each time; `close` releases it; `openSibling` opens a second store on the same database
 * (another node).
 */
export function storeContract(open: OpenStore, close: CloseStore, openSibling: OpenSibling): void {
  definitionStoreContract(open, close);
  instanceStoreContract(open, close);
  taskStoreContract(open, close);
  auditStoreContract(open, close);
  timerStoreContract(open, close);
  outboxStoreContract(open, close);
  departmentStoreContract(open, close);
  userStoreContract(open, close);
  customerStoreContract(open, close);
  fieldStoreContract(open, close);
  notificationStoreContract(open, close);
  stepCommitContract(open, close);
  processScheduleContract(open, close);
  timerJobsContract(open, close, openSibling);
  rateLimitContract(open, close, openSibling);
}
