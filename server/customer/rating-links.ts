/**
 * One-click rating links for the feedback email: `/rate/<instance id>/<signature>?score=N`. The
 * signature is an HMAC of the instance id with a secret every node shares (SecretStore), so a
 * link cannot be made up for another ticket, and no token has to be stored. Opening a link only
 * shows the rating form with that score chosen (mail scanners open links); sending it records the
 * feedback, once per ticket, like the status page's form.
 */
import { createHmac, randomBytes } from 'node:crypto';

import type { SecretStore } from '../auth/secret.store.js';
import { sameText } from '../auth/secrets.js';

const SECRET = 'rating-links';

export class RatingLinks {
  private key: Promise<string> | null = null;

  constructor(
    private readonly secrets: SecretStore,
    private readonly publicUrl: string,
  ) {}

  /** The link that opens the form with `score` chosen. */
  async url(instanceId: string, score: number): Promise<string> {
    return `${this.publicUrl}/rate/${encodeURIComponent(instanceId)}/${await this.signature(instanceId)}?score=${score}`;
  }

  async verify(instanceId: string, signature: string): Promise<boolean> {
    return sameText(signature, await this.signature(instanceId));
  }

  private async signature(instanceId: string): Promise<string> {
    this.key ??= this.secrets.getOrCreate(SECRET, () => randomBytes(32).toString('base64url'));
    return createHmac('sha256', await this.key)
      .update(`rate:${instanceId}`)
      .digest('base64url')
      .slice(0, 32);
  }
}
