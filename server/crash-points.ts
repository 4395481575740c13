/**
 * Crash points for the SIGKILL suite (test/crash/crash-points.test.ts): with
 * BATON_CRASH_AT=<point>:<n> the process kills itself with SIGKILL the n-th time it reaches
 * <point>, so a test can stop it exactly at a step boundary instead of hoping a random kill lands
 * there. Unset — always, outside that suite — it costs one comparison.
 */
export type CrashPoint = 'before-commit' | 'after-commit' | 'timer-fire' | 'checkpoint';

const POINTS: readonly CrashPoint[] = ['before-commit', 'after-commit', 'timer-fire', 'checkpoint'];

function parse(value: string | undefined): { point: CrashPoint; n: number } | null {
  if (!value) return null;
  const match = /^([a-z-]+):(\d+)$/.exec(value);
  const point = match?.[1] as CrashPoint | undefined;
  if (!match || !point || !POINTS.includes(point)) throw new Error(`BATON_CRASH_AT must be <${POINTS.join('|')}>:<n>, not '${value}'`);
  return { point, n: Number(match[2]) };
}

const armed = parse(process.env['BATON_CRASH_AT']);
let reached = 0;

export function crashPoint(point: CrashPoint): void {
  if (armed?.point !== point) return;
  reached += 1;
  if (reached === armed.n) process.kill(process.pid, 'SIGKILL');
}
