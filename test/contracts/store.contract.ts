import { auditStoreContract } from './audit-store.contract.js';
import { definitionStoreContract } from './definition-store.contract.js';
import { customerStoreContract } from './customer-store.contract.js';
import { departmentStoreContract } from './department-store.contract.js';
import type { CloseStore, OpenStore } from './harness.js';
import { instanceStoreContract } from './instance-store.contract.js';
import { outboxStoreContract } from './outbox-store.contract.js';
import { stepCommitContract } from './step-commit.contract.js';
import { taskStoreContract } from './task-store.contract.js';
import { ticketSearchContract } from './ticket-search.contract.js';
import { timerStoreContract } from './timer-store.contract.js';
import { userStoreContract } from './user-store.contract.js';

export type { CloseStore, OpenStore } from './harness.js';

/**
 * Every port suite, for an adapter's test file to run in one call. `open` must give an empty
 * store each time; `close` releases it.
 */
export function storeContract(open: OpenStore, close: CloseStore): void {
  definitionStoreContract(open, close);
  instanceStoreContract(open, close);
  taskStoreContract(open, close);
  auditStoreContract(open, close);
  timerStoreContract(open, close);
  outboxStoreContract(open, close);
  departmentStoreContract(open, close);
  userStoreContract(open, close);
  customerStoreContract(open, close);
  ticketSearchContract(open, close);
  stepCommitContract(open, close);
}
