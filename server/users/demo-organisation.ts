import { randomBytes } from 'node:crypto';

import type { PasswordHasher } from '../auth/passwords.js';
import type { Clock } from '../clock.js';
import { DEMO_DEPARTMENTS, seedDepartments } from '../departments/seed-departments.js';
import type { DepartmentStore } from '../departments/department.store.js';
import type { Role } from './user.js';
import { newUserRecord } from './user.service.js';
import type { UserStore } from './user.store.js';

export interface DemoLogin {
  username: string;
  role: Role;
  departments: string[];
}

/** Skills of the demo staff, so the `skills` assignment rule has someone to find. */
const DEMO_SKILLS: Record<string, string[]> = {
  technicians: ['electrical', 'heating'],
  l2: ['networking'],
  l3: ['networking', 'databases'],
};

/** The demo people: an admin, a process owner, an auditor, and one staff member per department. */
export function demoPeople(): (DemoLogin & { skills: string[] })[] {
  return [
    { username: 'admin', role: 'admin', departments: [], skills: [] },
    { username: 'owner', role: 'process-owner', departments: ['head-of-service'], skills: [] },
    { username: 'auditor', role: 'auditor', departments: [], skills: [] },
    ...DEMO_DEPARTMENTS.map((department) => ({
      username: `staff-${department.id}`,
      role: 'staff' as const,
      departments: [department.id],
      skills: DEMO_SKILLS[department.id] ?? [],
    })),
  ];
}

/** A password people can type: 4 groups of 4 from an alphabet without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return [0, 4, 8, 12].map((start) => chars.slice(start, start + 4).join('')).join('-');
}

/**
 * Seeds the demo organisation into an empty store (no users yet): the demo departments and the
 * demo people, all with one password. Answers the logins, or null when people exist already.
 */
export async function seedDemoOrganisation(stores: { departments: DepartmentStore; users: UserStore }, hasher: PasswordHasher, clock: Clock, password: string): Promise<DemoLogin[] | null> {
  await seedDepartments(stores.departments);
  if ((await stores.users.count()) > 0) return null;
  // One hash for everyone: they share the password anyway, and ~12 hashes at cost 12 would add seconds to the first start.
  const passwordHash = await hasher.hash(password);
  const at = clock.now().toISOString();
  const people = demoPeople();
  for (const person of people) await stores.users.insert(newUserRecord(person, passwordHash, at));
  return people.map(({ username, role, departments }) => ({ username, role, departments }));
}
