import type { DepartmentRecord } from './department.js';
import type { DepartmentStore } from './department.store.js';

/**
 * The departments the shipped processes route to, with the escalation pyramid as parents.
 * Seeded only into an empty store, with the demo people (users/demo-organisation.ts).
 */
export const DEMO_DEPARTMENTS: DepartmentRecord[] = [
  { id: 'head-of-service', name: 'Head of service', parentId: null },
  { id: 'l3', name: 'Third line (L3)', parentId: 'head-of-service' },
  { id: 'l2', name: 'Second line (L2)', parentId: 'l3' },
  { id: 'l1', name: 'First level support (L1)', parentId: 'l2' },
  { id: 'first-line', name: 'First line (service desk)', parentId: 'l1' },
  { id: 'payments', name: 'Payments', parentId: 'head-of-service' },
  { id: 'dispatch', name: 'Field service dispatch', parentId: 'head-of-service' },
  { id: 'technicians', name: 'Field technicians', parentId: 'dispatch' },
  { id: 'billing', name: 'Billing', parentId: 'head-of-service' },
];

export async function seedDepartments(store: DepartmentStore): Promise<boolean> {
  if ((await store.list()).length > 0) return false;
  for (const department of DEMO_DEPARTMENTS) await store.upsert(department);
  return true;
}
