/**
 * The `dispatch` service task: picks the technician for a visit (field.service.ts plan), records
 * why (`dispatch.decided` with every candidate and criterion), holds the parts and sets what the
 * rest of the process and the customer's status page read: `technician` (null when nobody is
 * eligible: the diagram routes to the dispatch queue), `technicianName`, `dispatchSummary`,
 * `etaMinutes`, `dispatched`.
 *
 * Inputs (all optional): `assetId` (default: the `equipmentId` variable), `requiredSkills`
 * (comma-separated; default: the asset's, else its type), `parts` (`"P-17:2, F-3"`; default the
 * `partsNeeded` variable), `department` (default `technicians`).
 */
import type { Connector } from '../engine/connectors/connector.js';
import type { DispatchInput, DispatchPlan } from './field.service.js';
import { partNeeds } from './field.service.js';

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

export function dispatchConnector(plan: (input: DispatchInput) => Promise<DispatchPlan>): Connector {
  return {
    name: 'dispatch',
    description: 'Chooses a technician by skills, parts, distance and load; says why (inputs assetId, requiredSkills, parts, department).',
    async run(call) {
      const skills = text(call.input['requiredSkills']);
      const department = text(call.input['department']);
      const result = await plan({
        assetId: text(call.input['assetId']) ?? text(call.variables['equipmentId']) ?? text(call.variables['assetId']),
        requiredSkills: skills
          ? skills
              .split(',')
              .map((skill) => skill.trim())
              .filter(Boolean)
          : null,
        parts: partNeeds(call.input['parts'] ?? call.variables['partsNeeded']),
        ...(department ? { department } : {}),
      });
      const { decision, chosen } = result;
      call.audit('dispatch.decided', { candidates: decision.candidates, chosen: decision.chosen, reason: decision.reason, requiredSkills: result.requiredSkills });
      for (const move of result.reservations) call.moveStock(move);
      call.setVariables({
        dispatched: chosen !== null,
        technician: chosen?.username ?? null,
        technicianName: chosen?.firstName ?? null,
        dispatchSummary: chosen?.summary ?? `Nobody can take it: ${decision.reason}`,
        etaMinutes: chosen?.etaMinutes ?? null,
      });
      return { chosen: decision.chosen };
    },
  };
}
