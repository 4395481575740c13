import type { Connector } from './connector.js';

export interface WebhookOptions {
  timeoutMs: number;
  /** Attempts in all, including the first. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs JSON to a URL. The service task's executionId goes along as `Idempotency-Key` because a
 * step may run the call again after a crash or a retry.
 */
export function webhookConnector(options: WebhookOptions): Connector {
  return {
    name: 'webhook',
    description: 'POSTs the `body` input as JSON (a FEEL context, or JSON text) to the `url` input, with timeout and retries.',
    async run(call) {
      const url = parseUrl(call.input['url']);
      const body = jsonBody(call.input['body'] ?? { ticketNumber: call.ticketNumber });
      let lastError = 'no attempt made';
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2));
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': call.executionId,
              'x-baton-ticket': call.ticketNumber,
            },
            body,
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          const text = await response.text();
          if (response.ok) return { status: response.status, body: parseBody(text) };
          lastError = `HTTP ${response.status}`;
          // A 4xx other than 408/429 will not get better by retrying.
          if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
        } catch (err) {
          lastError = err instanceof Error ? err.message : String(err);
        }
      }
      throw new Error(`webhook to ${url.origin}${url.pathname} failed: ${lastError}`);
    },
  };
}

function parseUrl(value: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(value ?? ''));
  } catch {
    throw new Error(`webhook: input 'url' is not a URL: '${String(value ?? '')}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`webhook: only http and https URLs are allowed, got '${url.protocol}'`);
  }
  return url;
}

/**
 * The request body, JSON once: a value (a FEEL context, a number...) is serialised; text (a
 * diagram's literal `{"a":"${x}"}`) must already be JSON and is sent as it is, never quoted into
 * a JSON string again. Text that is not JSON (a value that broke the template) is an incident.
 */
export function jsonBody(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
  } catch (err) {
    throw new Error(`webhook: input 'body' is text that is not JSON (${err instanceof Error ? err.message : String(err)}); write it as a FEEL context, e.g. ={ticketNumber: ticketNumber}`);
  }
  return value;
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
}
