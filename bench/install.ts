// What `npm init pipeline` installs, printed as numbers (never asserted on time in tests): the
// workspace's two packages are published to a local registry (Verdaccio, proxying the configured
// one for the CLI's dependencies), then each is installed into an empty folder with an empty npm
// cache: packages, MiB on disk, seconds. The initializer alone is what `npm init pipeline` costs;
// the CLI is what a platform repo's `npm install` adds. Run `npm run build` first (bench:install does).
//   npm run bench:install [-- --runs 3]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cliVersion, WORKSPACE } from '../src/paths.ts';
import {
  coldInstall,
  formatInstall,
  type InstallSize,
  npmClient,
  publishWorkspace,
  startRegistry,
} from '../test/helpers/registry.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'bench-install-'));
for (const folder of ['registry', 'home']) mkdirSync(join(work, folder));
const registry = await startRegistry(join(work, 'registry'));
try {
  publishWorkspace(npmClient(registry, join(work, 'home')));
  const version = cliVersion();
  const median = (xs: InstallSize[]): InstallSize =>
    [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]!;
  const rows: InstallSize[] = [];
  // Alternating, so that a busy machine slows both alike; the first CLI install also fills the
  // registry's own cache of its dependencies (as a company registry's is, usually).
  const runs: Record<string, InstallSize[]> = { [WORKSPACE.initializer.name]: [], [WORKSPACE.cli.name]: [] };
  for (let i = 0; i < RUNS; i++)
    for (const name of Object.keys(runs)) runs[name]!.push(coldInstall(registry, `${name}@${version}`));
  for (const name of Object.keys(runs)) rows.push(median(runs[name]!));
  console.log(`cold npm install (empty npm cache, local registry; median of ${RUNS}):`);
  for (const row of rows) console.log(`  ${formatInstall(row)}`);
  const [initializer, cli] = rows as [InstallSize, InstallSize];
  console.log(
    `  the initializer is ${(cli.bytes / initializer.bytes).toFixed(1)}x smaller on disk and ${(cli.seconds / initializer.seconds).toFixed(1)}x faster to install than the CLI`,
  );
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
