import type { Principal } from '../auth/principal.js';
import type { DefinitionRecord } from '../definitions/definition.js';
import { ForbiddenError } from '../errors.js';

const OWNER_PROPERTY = /<camunda:property\s+name="ownerDepartment"\s+value="([^"]+)"/;
const CANDIDATE_GROUPS = /camunda:candidateGroups="([^"]+)"/g;

/**
 * The departments that own a process. A process names its owner with the process property
 * `ownerDepartment`; without it, the departments its user tasks are routed to own it (the
 * people who work a process answer for it). Read from the deployed XML of that version.
 */
export function owningDepartments(definition: Pick<DefinitionRecord, 'xml'>): string[] {
  const named = OWNER_PROPERTY.exec(definition.xml)?.[1];
  if (named) return [named.trim()];
  const groups = new Set<string>();
  for (const match of definition.xml.matchAll(CANDIDATE_GROUPS)) {
    for (const group of (match[1] ?? '').split(',')) if (group.trim() && !group.includes('${')) groups.add(group.trim());
  }
  return [...groups];
}

/**
 * Who may intervene in a process's instances: admins always; a process owner when one of their
 * departments owns the process (see owningDepartments). Anyone else is 403, before anything changes.
 */
export function assertMayIntervene(principal: Principal, definition: Pick<DefinitionRecord, 'xml' | 'key'>): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'process-owner') {
    const owners = owningDepartments(definition);
    if (owners.some((department) => principal.departments.includes(department))) return;
    throw new ForbiddenError(`${principal.username} does not own process '${definition.key}' (it is owned by ${owners.join(', ') || 'no department'})`);
  }
  throw new ForbiddenError(`Interventions need the role admin or process-owner; ${principal.username} is ${principal.role}`);
}
