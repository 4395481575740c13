// `npm run build` (and so `npm start`): compiles the server (tsc, incremental) and bundles the
// browser app, each only when a source changed since its last build, so a second start on an
// unchanged tree serves at once. `--force` builds both anyway.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const stamp = path.join(root, 'dist', '.tsbuildinfo');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const sourcesChanged =
  !existsSync(stamp) ||
  Math.max(newest(path.join(root, 'server')), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((file) => statSync(path.join(root, file)).mtimeMs)) > statSync(stamp).mtimeMs;
if (force || sourcesChanged) run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
else console.log('server is current (dist/server/): nothing to compile');
run(process.execPath, ['--import', 'tsx', path.join(root, 'modeler', 'build.ts'), ...(force ? ['--force'] : [])]);
