/**
 * A load driver for the crash tests: workers push items (instances with a business key) through
 * a process of user tasks over real HTTP, and ride out a server that dies under them: a request
 * that fails on the network (or gets 503 while the server shuts down) is sent again once the
 * server is back, possibly at a new address (`retarget`).
 */

export interface DriverOptions {
  baseUrl: string;
  /** Sent with every request (the Authorization header). */
  headers: Record<string, string>;
  processKey: string;
  /** Items are `${keyPrefix}-0` ... `${keyPrefix}-${items - 1}`. */
  keyPrefix: string;
  items: number;
  workers: number;
  /** A single request that takes longer than this fails the run (a hung server, not a dead one). */
  requestTimeoutMs?: number;
  /** How long one request may keep failing on the network before the run gives up. */
  maxOutageMs?: number;
  /**
   * For every item whose number is a multiple of this, the driver throws away the first answer
   * to its start and to each completion and sends the request again, as a client does whose
   * answer was lost with the server (the crash itself rarely lands between commit and answer).
   * 0 (the default) loses nothing.
   */
  loseAnswerEvery?: number;
}

export interface ItemResult {
  n: number;
  businessKey: string;
  instanceId: string;
}

export interface DriverStats {
  /** 201 answers to a start. */
  started: number;
  /** 409 answers to a start: an earlier attempt had started it (its answer was lost). */
  startConflicts: number;
  /** 200 answers to a task completion. */
  completed: number;
  /** 409 answers to a completion: an earlier attempt had completed it. */
  completionConflicts: number;
  /** Requests that failed on the network (server dead or gone). */
  networkErrors: number;
  /** 503 answers (server shutting down). */
  unavailable: number;
  /** Successful answers the driver threw away on purpose (loseAnswerEvery). */
  answersLost: number;
}

interface HttpAnswer {
  status: number;
  body: unknown;
  text: string;
}

interface OpenTaskView {
  id: string;
  name: string;
  elementId?: string;
}

interface InstanceView {
  id: string;
  status: string;
  openTasks: OpenTaskView[];
}

interface InstanceSummary {
  id: string;
  businessKey: string | null;
}

/** The server answered; the request did not fail on the network. Anything else is a NetworkFailure. */
class NetworkFailure extends Error {}

export class LoadDriver {
  readonly stats: DriverStats = { started: 0, startConflicts: 0, completed: 0, completionConflicts: 0, networkErrors: 0, unavailable: 0, answersLost: 0 };
  private baseUrl: string;
  private generation = 0;
  private retargeted = deferred();
  private progressCount = 0;
  private readonly progressWaiters: { threshold: number; resolve: () => void }[] = [];
  private failure: unknown = null;
  private readonly requestTimeoutMs: number;
  private readonly maxOutageMs: number;

  constructor(private readonly options: DriverOptions) {
    this.baseUrl = options.baseUrl;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.maxOutageMs = options.maxOutageMs ?? 30_000;
  }

  /** State-changing requests that succeeded so far (starts and completions, 201/200). */
  get progress(): number {
    return this.progressCount;
  }

  /** Resolves once `threshold` state-changing requests have succeeded. */
  whenProgress(threshold: number): Promise<void> {
    if (this.progressCount >= threshold) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push({ threshold, resolve }));
  }

  /** Points the driver at a (restarted) server; requests waiting for the server go there at once. */
  retarget(baseUrl: string): void {
    this.baseUrl = baseUrl;
    this.generation += 1;
    const previous = this.retargeted;
    this.retargeted = deferred();
    previous.resolve();
  }

  /** Works through every item with `workers` in parallel; rejects on the first unexpected answer. */
  async run(): Promise<ItemResult[]> {
    const results: ItemResult[] = [];
    let next = 0;
    const worker = async () => {
      while (this.failure === null) {
        const n = next++;
        if (n >= this.options.items) return;
        try {
          results[n] = await this.drive(n);
        } catch (err) {
          // The other workers stop at their next item; the run reports this failure.
          this.failure ??= err;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.workers }, worker));
    return results;
  }

  /** Starts item n (or finds it started) and completes its open tasks one by one until it ends. */
  private async drive(n: number): Promise<ItemResult> {
    const { processKey } = this.options;
    const businessKey = `${this.options.keyPrefix}-${n}`;
    let instanceId: string | null = null;
    const loseAnswers = (this.options.loseAnswerEvery ?? 0) > 0 && n % this.options.loseAnswerEvery! === 0;
    let lastLost: string | null = null;
    // start + one read and one completion per task, plus the re-reads after lost answers
    for (let round = 0; round < 30; round++) {
      if (instanceId === null) {
        const start = await this.call('POST', '/api/instances', { processKey, businessKey, variables: { n } });
        if (start.status === 201 && loseAnswers && lastLost !== 'start') {
          // the instance is started, but this client never hears of it
          lastLost = 'start';
          this.stats.answersLost += 1;
          this.stats.started += 1;
          this.advance();
          continue;
        }
        if (start.status === 201) {
          instanceId = (start.body as InstanceView).id;
          this.stats.started += 1;
          this.advance();
          continue;
        }
        if (start.status !== 409) throw unexpected(`start ${businessKey}`, start);
        this.stats.startConflicts += 1;
        const query = new URLSearchParams({ processKey, businessKey });
        const found = await this.call('GET', `/api/instances?${query}`);
        const list = found.body as InstanceSummary[];
        if (found.status !== 200 || !Array.isArray(list) || list.length !== 1 || !list[0]) {
          throw unexpected(`look up ${businessKey} after 409 (expected exactly one instance)`, found);
        }
        instanceId = list[0].id;
        continue;
      }

      const read = await this.call('GET', `/api/instances/${instanceId}`);
      if (read.status !== 200) throw unexpected(`read ${businessKey}`, read);
      const instance = read.body as InstanceView;
      if (instance.status === 'completed') return { n, businessKey, instanceId };
      if (instance.status !== 'running' || instance.openTasks.length !== 1) {
        throw unexpected(`${businessKey} should be running with exactly one open task`, read);
      }
      const task = instance.openTasks[0]!;
      const done = await this.call('POST', `/api/tasks/${task.id}/complete`, { variables: { [`done_${task.name}`]: n } });
      if (done.status === 200) {
        this.stats.completed += 1;
        this.advance();
        if (loseAnswers && lastLost !== task.id) {
          // completed, but this client never hears of it: it sends the same completion again
          lastLost = task.id;
          this.stats.answersLost += 1;
          const again = await this.call('POST', `/api/tasks/${task.id}/complete`, { variables: { [`done_${task.name}`]: n } });
          if (again.status !== 409) throw unexpected(`completing task '${task.name}' of ${businessKey} a second time should be refused`, again);
          this.stats.completionConflicts += 1;
        }
      } else if (done.status === 409) {
        this.stats.completionConflicts += 1;
      } else {
        throw unexpected(`complete task '${task.name}' of ${businessKey}`, done);
      }
    }
    throw new Error(`${businessKey} did not complete within 30 rounds`);
  }

  /**
   * One request, sent again while the server is unreachable or shutting down (503), until it gets
   * an answer; the outage is bounded by maxOutageMs. The retry goes to the current base URL.
   */
  private async call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const deadline = Date.now() + this.maxOutageMs;
    let backoffMs = 10;
    for (;;) {
      if (this.failure !== null) throw new Error('the run stopped after another item failed');
      const generation = this.generation;
      try {
        const answer = await this.send(method, path, body);
        if (answer.status !== 503) return answer;
        this.stats.unavailable += 1;
      } catch (err) {
        if (!(err instanceof NetworkFailure)) throw err;
        this.stats.networkErrors += 1;
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: the server stayed unreachable for ${this.maxOutageMs} ms`);
      if (this.generation !== generation) continue;
      // Wait for the restarted server, or retry the same one a little later (a bounded backoff,
      // not a wait for something to happen: the retarget wakes the worker at once).
      await Promise.race([this.retargeted.promise, delay(backoffMs)]);
      backoffMs = Math.min(backoffMs * 2, 200);
    }
  }

  private async send(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.requestTimeoutMs), headers: { ...this.options.headers } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...this.options.headers, 'content-type': 'application/json' };
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, init);
      text = await response.text();
    } catch (err) {
      // A timeout is a hung server, which this driver does not paper over.
      if (err instanceof Error && err.name === 'TimeoutError') throw new Error(`${method} ${path} got no answer within ${this.requestTimeoutMs} ms`);
      // undici reports refused, reset and cut-off connections as TypeError ('fetch failed', 'terminated').
      if (err instanceof TypeError) throw new NetworkFailure(`${method} ${path}: ${err.message}`, { cause: err });
      throw err;
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, text };
  }

  private advance(): void {
    this.progressCount += 1;
    for (let i = this.progressWaiters.length - 1; i >= 0; i--) {
      const waiter = this.progressWaiters[i]!;
      if (this.progressCount >= waiter.threshold) {
        this.progressWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function unexpected(what: string, answer: HttpAnswer): Error {
  return new Error(`${what}: unexpected answer ${answer.status} ${answer.text.slice(0, 500)}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
