/**
 * `npm run audit:verify`: checks the whole store's audit trail — every instance's hash chain, every
 * signed checkpoint and the links between them — with the configured key (the same environment as
 * the server: BATON_DATA_DIR or BATON_DATABASE_URL, BATON_AUDIT_KEY or BATON_AUDIT_KEY_FILE).
 *
 * Exit status: 0 everything verifies; 1 something does not (the report names it); 2 the check could
 * not run (no database, no key, bad configuration). `--json` prints the report as JSON.
 */
import { readAnchor } from '../audit/audit-anchor.js';
import { loadAuditKey } from '../audit/audit-key.js';
import { AuditService } from '../audit/audit.service.js';
import { verifyStore, type StoreVerification } from '../audit/store-verify.js';
import { loadConfig } from '../config.js';
import { describeStore, openStore, StoreMissingError } from '../stores/open-store.js';
import { StoreCorruptError } from '../errors.js';

function report(result: StoreVerification, database: string, keyId: string): string {
  const lines = [
    `audit verification of ${database} (key ${keyId})`,
    `  instances   ${result.instances}`,
    `  events      ${result.events}`,
    `  checkpoints ${result.checkpoints}${result.latestCheckpoint ? ` (latest #${result.latestCheckpoint.id} at ${result.latestCheckpoint.at})` : ' (none signed yet: truncation cannot be detected until one is)'}`,
  ];
  if (result.valid) {
    lines.push('OK: every chain and every checkpoint verifies');
  } else {
    lines.push(`FAILED: ${result.problems.length} problem(s)`);
    for (const problem of result.problems) {
      const where = problem.instanceId ? `instance ${problem.instanceId}${problem.seq === null ? '' : ` event ${problem.seq}`}` : `checkpoint ${problem.checkpointId ?? '?'}`;
      lines.push(`  ${where}: [${problem.kind}] ${problem.reason}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const json = process.argv.includes('--json');
  let config;
  let key;
  try {
    config = loadConfig();
    key = loadAuditKey(config.audit, { generate: false }).key;
  } catch (err) {
    console.error(`audit:verify cannot run: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  let store;
  try {
    store = await openStore(config, { mustExist: true });
  } catch (err) {
    if (!(err instanceof StoreMissingError)) throw err;
    console.error(`audit:verify cannot run: ${err.message}`);
    return 2;
  }
  try {
    const service = new AuditService(store.audit, store.instances, key, config.audit.anchorFile, store.tasks);
    const result = await verifyStore(store.audit, store.instances, service, key, readAnchor(config.audit.anchorFile));
    console.log(json ? JSON.stringify(result, null, 2) : report(result, describeStore(config).location, key.id));
    return result.valid ? 0 : 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A damaged database explains itself (with the restore steps); anything else is a bug, with its stack.
    if (err instanceof StoreCorruptError) console.error(`audit:verify cannot run: ${err.message}`);
    else console.error('audit:verify failed:', err);
    process.exitCode = 2;
  },
);
