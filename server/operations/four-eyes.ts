import { randomUUID } from 'node:crypto';

import type { Principal } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import { BatonError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { InstanceService } from '../instances/instance.service.js';
import type { ApprovalKind, ApprovalRecord, ApprovalStatus } from './approval.js';
import type { ApprovalStore } from './approval.store.js';
import { editVariablesSchema, migrationSchema, moveSchema } from '../contracts/operations.js';
import type { OperationsService } from './operations.service.js';

/**
 * Four-eyes (BATON_FOUR_EYES=on): a move, a migration, a cancel or a variable edit becomes a
 * request, checked (input and guard) when it is made but not applied until a second
 * administrator approves it. The change then runs as that administrator, its audit event naming
 * the request and who asked. Dry runs are never held: they change nothing.
 */
export class FourEyes {
  constructor(
    readonly enabled: boolean,
    private readonly approvals: ApprovalStore,
    private readonly operations: OperationsService,
    private readonly instances: InstanceService,
    private readonly clock: Clock,
  ) {}

  async request(principal: Principal, kind: ApprovalKind, instanceId: string | null, body: Record<string, unknown> & { reason: string }): Promise<ApprovalRecord> {
    if (instanceId !== null) await this.operations.authorise(principal, instanceId);
    else await this.operations.authoriseMigration(principal, migrationSchema.parse(body));
    const approval: ApprovalRecord = {
      id: randomUUID(),
      kind,
      instanceId,
      request: body,
      reason: body.reason,
      requestedBy: principal.username,
      requestedAt: this.clock.now().toISOString(),
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      note: null,
    };
    await this.approvals.insert(approval);
    return approval;
  }

  list(status: ApprovalStatus | undefined, limit: number): Promise<ApprovalRecord[]> {
    return this.approvals.list(status, limit);
  }

  async reject(principal: Principal, id: string, note: string | null): Promise<ApprovalRecord> {
    const approval = await this.require(id);
    await this.decide(principal, approval, 'rejected', note);
    return (await this.approvals.get(id)) ?? approval;
  }

  /** Approves and applies; a change that no longer fits (the ticket moved on) marks the request failed and answers why. */
  async approve(principal: Principal, id: string): Promise<{ approval: ApprovalRecord; result: unknown }> {
    const approval = await this.require(id);
    if (approval.requestedBy === principal.username) throw new ForbiddenError('A second administrator must approve: you asked for this change yourself');
    await this.decide(principal, approval, 'approved', null);
    const stamp = { approvalId: approval.id, requestedBy: approval.requestedBy };
    let result: unknown;
    try {
      result = await this.apply(principal, approval, stamp);
    } catch (err) {
      if (err instanceof BatonError) await this.approvals.setOutcome(id, 'failed', err.message);
      throw err;
    }
    return { approval: (await this.approvals.get(id)) ?? approval, result };
  }

  private async apply(principal: Principal, approval: ApprovalRecord, stamp: { approvalId: string; requestedBy: string }): Promise<unknown> {
    const instanceId = approval.instanceId ?? '';
    switch (approval.kind) {
      case 'variables':
        return this.operations.editVariables(principal, instanceId, editVariablesSchema.parse(approval.request), stamp);
      case 'move':
        return this.operations.move(principal, instanceId, moveSchema.parse(approval.request), stamp);
      case 'migrate':
        return this.operations.migrate(principal, migrationSchema.parse(approval.request), stamp);
      case 'cancel':
        return this.instances.cancel(instanceId, `${approval.reason} (four-eyes request ${approval.id} by ${approval.requestedBy})`, principal.username);
    }
  }

  private async decide(principal: Principal, approval: ApprovalRecord, status: 'approved' | 'rejected', note: string | null): Promise<void> {
    if (approval.status !== 'pending') throw new ConflictError(`The request was ${approval.status} already`);
    const decided = await this.approvals.decide(approval.id, { status, decidedBy: principal.username, decidedAt: this.clock.now().toISOString(), note });
    if (!decided) throw new ConflictError('Another administrator decided this request meanwhile');
  }

  private async require(id: string): Promise<ApprovalRecord> {
    const approval = await this.approvals.get(id);
    if (!approval) throw new NotFoundError(`Request ${id} does not exist`);
    return approval;
  }
}
