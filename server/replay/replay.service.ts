import type { AuditService } from '../audit/audit.service.js';
import type { ReplayPayload } from '../contracts/replay.js';
import type { DefinitionStore } from '../definitions/definition.store.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { foldAudit } from './replay-fold.js';

/** What the replay viewer loads: the timeline, the diagram version to show it on, the state at a step. */
export class ReplayService {
  constructor(
    private readonly audit: AuditService,
    private readonly definitions: DefinitionStore,
  ) {}

  async replay(instanceId: string, step: number | undefined): Promise<ReplayPayload> {
    // One read of the instance and one of the trail: verification checks the events the viewer gets.
    const instance = await this.audit.require(instanceId);
    const [events, definition] = await Promise.all([this.audit.events(instanceId), this.definitions.getById(instance.definitionId)]);
    const verification = await this.audit.verifyAgainstCheckpoints(instance, events);
    if (!definition) throw new NotFoundError(`Definition ${instance.definitionId} of instance ${instanceId} is missing`);
    if (step !== undefined && step > events.length) throw new InvalidInputError(`step ${step} is past the last event (${events.length})`);
    return {
      instance: { id: instance.id, ticketNumber: instance.ticketNumber, processKey: instance.processKey, status: instance.status, startedAt: instance.startedAt, endedAt: instance.endedAt },
      definition: {
        id: definition.id,
        key: definition.key,
        version: definition.version,
        xmlUrl: `/api/definitions/${encodeURIComponent(definition.key)}/versions/${definition.version}/xml`,
      },
      verification: { valid: verification.valid, firstInvalid: verification.firstInvalid, checkpoint: verification.checkpoint },
      events: events.map(({ seq, type, at, actor, elementId, data, hash }) => ({ seq, type, at, actor, elementId, data, hash })),
      state: foldAudit(events, step ?? events.length),
    };
  }
}
