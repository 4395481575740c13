/** Upper bounds (ms) of the lateness histogram's buckets; the last bucket is everything above. */
const BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000];

export interface TimerMetricsSnapshot {
  pending: number;
  fired: number;
  lateness: {
    /** Cumulative counts per upper bound in ms (Prometheus style); `+Inf` holds every firing. */
    buckets: { le: number | '+Inf'; count: number }[];
    sumMs: number;
    p50Ms: number | null;
    p99Ms: number | null;
  };
}

/**
 * Timer lateness (actual − scheduled firing time) since this node started, as a histogram. The
 * percentiles are read off the buckets, so they are upper bounds, as Prometheus would give them.
 */
export class TimerMetrics {
  private readonly counts = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  private total = 0;
  private sum = 0;

  record(latenessMs: number): void {
    const late = Math.max(0, latenessMs);
    const index = BUCKETS_MS.findIndex((bound) => late <= bound);
    const bucket = index === -1 ? BUCKETS_MS.length : index;
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
    this.sum += late;
  }

  snapshot(pending: number): TimerMetricsSnapshot {
    let running = 0;
    const buckets: TimerMetricsSnapshot['lateness']['buckets'] = BUCKETS_MS.map((le, i) => {
      running += this.counts[i] ?? 0;
      return { le, count: running };
    });
    buckets.push({ le: '+Inf', count: this.total });
    return {
      pending,
      fired: this.total,
      lateness: { buckets, sumMs: this.sum, p50Ms: this.percentile(buckets, 0.5), p99Ms: this.percentile(buckets, 0.99) },
    };
  }

  /** Prometheus text exposition of the same figures. */
  prometheus(pending: number): string {
    const snap = this.snapshot(pending);
    const lines = [
      '# HELP baton_timers_pending BPMN timers waiting to fire.',
      '# TYPE baton_timers_pending gauge',
      `baton_timers_pending ${snap.pending}`,
      '# HELP baton_timer_lateness_seconds Actual minus scheduled firing time of BPMN timers.',
      '# TYPE baton_timer_lateness_seconds histogram',
      ...snap.lateness.buckets.map((b) => `baton_timer_lateness_seconds_bucket{le="${b.le === '+Inf' ? '+Inf' : b.le / 1000}"} ${b.count}`),
      `baton_timer_lateness_seconds_sum ${snap.lateness.sumMs / 1000}`,
      `baton_timer_lateness_seconds_count ${snap.fired}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  private percentile(buckets: TimerMetricsSnapshot['lateness']['buckets'], q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.ceil(q * this.total);
    const bucket = buckets.find((b) => b.count >= rank);
    return bucket === undefined || bucket.le === '+Inf' ? null : bucket.le;
  }
}
