/**
 * Migration of running instances from v1 to v2 of a process (issue 18): 1,000 instances waiting
 * at a user task with an 8-hour SLA timer (the 11-node bench process), v2 deployed (the task
 * renamed: same ids, so every instance fits), then the migration as `POST /api/migrations` runs it: a dry run
 * over all of them, then the migration in batches of 100. Each instance is recovered into v2 and
 * saved with its audit event in one transaction, as any step.
 *
 *   node --import tsx bench/migration.ts          # BENCH_MIGRATION_COUNT=1000 by default
 */
import { performance } from 'node:perf_hooks';

import type { Principal } from '../server/auth/principal.js';
import { ELEVEN_KEY, ELEVEN_XML, envCount, fmt, runAsMain, startBenchBaton } from './fixtures.js';

/** v2: the same process, its user task renamed (a new version with the same activity ids). */
function version2(xml: string): string {
  const v2 = xml.replace('<bpmn:userTask id="triage" name="Triage"', '<bpmn:userTask id="triage" name="Triage (v2)"');
  if (v2 === xml) throw new Error('bench process changed: cannot derive v2');
  return v2;
}

export interface MigrationResult {
  instances: number;
  dryRunMs: number;
  migrateMs: number;
  perInstanceMs: number;
  perSecond: number;
  migrated: number;
  refused: number;
}

export async function runMigration(count = envCount('MIGRATION_COUNT', 1000)): Promise<MigrationResult> {
  const bench = await startBenchBaton();
  try {
    const { baton } = bench;
    for (let i = 0; i < count; i++) await baton.instances.start({ processKey: ELEVEN_KEY, variables: { approved: true }, businessKey: null }, 'bench');
    const from = await baton.definitions.latest(ELEVEN_KEY);
    const { definition: to } = await baton.definitions.deploy(version2(ELEVEN_XML));
    const admin: Principal = { userId: 'bench', username: 'bench', role: 'admin', departments: [], credentialId: 'bench', via: 'token', csrfToken: null, expiresAt: '' };
    const request = { processKey: ELEVEN_KEY, fromVersion: from.version, toVersion: to.version, mapping: {}, reason: 'bench', batchSize: 100 };

    let started = performance.now();
    const dry = await baton.operations.migrate(admin, { ...request, dryRun: true });
    const dryRunMs = performance.now() - started;
    started = performance.now();
    const done = await baton.operations.migrate(admin, { ...request, dryRun: false });
    const migrateMs = performance.now() - started;
    if (done.migrated.length !== count || dry.migrated.length !== count) throw new Error(`migrated ${done.migrated.length} (dry run ${dry.migrated.length}) of ${count}`);
    const left = await baton.store.instances.list({ processKey: ELEVEN_KEY, status: 'running', limit: 5 });
    if (left.some((instance) => instance.definitionVersion !== to.version)) throw new Error('an instance still runs v1');
    const result: MigrationResult = {
      instances: count,
      dryRunMs,
      migrateMs,
      perInstanceMs: migrateMs / count,
      perSecond: count / (migrateMs / 1000),
      migrated: done.migrated.length,
      refused: done.refused.length,
    };
    console.log(`migration of ${count} running instances v1 → v2 (batches of 100)`);
    console.log(`  dry run   ${fmt(dryRunMs / 1000, 2)} s`);
    console.log(`  migrate   ${fmt(migrateMs / 1000, 2)} s  (${fmt(result.perInstanceMs, 2)} ms per instance, ${fmt(result.perSecond, 0)}/s), refused ${result.refused}`);
    return result;
  } finally {
    await bench.close();
  }
}

await runAsMain(import.meta.url, 'migration', 'migration', () => runMigration());
