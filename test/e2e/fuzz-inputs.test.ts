// Property: every input create-pipeline accepts yields a pipeline that Dagster loads in every
// deployment, with YAML that PyYAML reads as we meant it; every input it refuses exits 2 with one
// line and leaves the platform tree byte-identical. Generated with fast-check over pipeline names,
// descriptions, owners, crons and timezones (and new platforms' names, teams and timezones): a mix
// of plausible values, the classes a fuzzing run once found accepted but broken, and noise. The
// generated Python also passes ruff (check and format --check) under each platform's ruff.toml.
//
// Seeded: FUZZ_SEED=<n> replays a run (the seed is in every failure), FUZZ_RUNS=<n> sets the number
// of pipeline cases (default 320). Most cases run through the programmatic API (the same
// createPipeline the CLI calls, so one node process), every eighth through the built CLI; all
// accepted pipelines are then loaded in ONE Python process, deployment after deployment, and what
// Dagster loads in each deployment must be what `pipeline list` says it loads.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlatformConfig } from '../../src/conventions/platform-config.ts';
import { createPipeline as createInProcess } from '../../src/create/create.ts';
import { CliError } from '../../src/errors.ts';
import { createPipeline as createCli, runBin } from '../helpers/cli.ts';
import { PYTHON, pythonScript, ruffProblems, run } from '../helpers/python.ts';
import { makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

// A fixed seed by default, so CI never fails by chance; FUZZ_SEED=random explores, FUZZ_SEED=<n> replays.
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = Number(process.env.FUZZ_RUNS ?? 320);
const seeded = `seed ${SEED}; replay with FUZZ_SEED=${SEED}`;

// ---- What is generated ----------------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/);
const plausibleName = fc
  .tuple(word, fc.array(word, { maxLength: 2 }))
  .map(([first, rest]) => [first, ...rest].join('_'));
const NAME_CLASSES = [
  'yes',
  'on',
  'no',
  'off',
  'true',
  'false',
  'y',
  'n',
  'null',
  'postgres',
  'webserver',
  'daemon',
  'type',
  'context',
  'config',
  'pydantic',
  'typing_extensions',
  'click',
  'packaging',
  'json',
  'dagster',
  'dagster_extra',
  'python_dateutil',
  'orders_',
  'a___b',
  'tests',
  'class',
  'match',
  'pip',
  'constructor',
  'yes_please',
  'null_rates',
  'on_time',
];
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'Orders', 'orders-daily', '-x', '../x', '/tmp/x', 'x'.repeat(51), 'café', ' spaced '),
);
const name = fc.oneof(
  { weight: 6, arbitrary: plausibleName },
  { weight: 3, arbitrary: fc.constantFrom(...NAME_CLASSES) },
  { weight: 1, arbitrary: hostile },
);

const DESCRIPTION_CLASSES = [
  'yes',
  'null',
  '12:30',
  '2024-01-01',
  '=',
  '<<',
  '- item',
  'a: b',
  '# hash',
  'say "hi"',
  "it's",
  'back\\slash',
  '{{ handlebars }}',
  '"""triple"""',
  'tab\there',
  'line\nbreak',
  'two\n\nparagraphs',
  'sep\u2028arator',
  'para\u2029graph',
  'cr\rhere',
  'nel\x85',
  'bom\ufeff',
  'bidi\u202eevil',
  'esc\x1b[31m',
  'é ✓ 😀',
  'x'.repeat(2001),
  '   ',
  '',
];
const description = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.lorem({ maxCount: 12 }) },
    { weight: 2, arbitrary: fc.constantFrom(...DESCRIPTION_CLASSES) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  ),
  { nil: undefined, freq: 3 },
);

/** An owner: one of the host platform's teams (by index), or something else. */
const owner = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((pick) => ({ pick })) },
    { weight: 1, arbitrary: fc.constantFrom('nobody', 'Analytics', '', 'yes ', 'ml_team') },
  ),
  { nil: undefined },
);

const plausibleCron = fc
  .tuple(
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 23 }),
    fc.oneof(fc.constant('*'), fc.integer({ min: 1, max: 31 }).map(String)),
    fc.oneof(
      fc.constant('*'),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 2 }).map((m) => m.join(',')),
    ),
    fc.constantFrom('*', 'mon', '1-5', 'sun', '7'),
  )
  .map(([m, h, dom, month, dow]) => `${m} ${h} ${dom} ${month} ${dow}`);
const CRON_CLASSES = [
  '0 6 31 2 mon',
  '0 0 31 4 *',
  '0 6 30 2 *',
  'r * * * *',
  'H * * * *',
  '@daily',
  '@weekly',
  'none',
  '',
  '0 6 * * 7',
  '0 0 l * *',
  '0 6 * * 5#2',
  '0 6 ? * *',
  '22-2 * * * *',
  '* * * * * *',
  '0 6 * *\u2028*',
  '0 25 * * *',
  '0 0 29 2 *',
];
const schedule = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: plausibleCron },
    { weight: 2, arbitrary: fc.constantFrom(...CRON_CLASSES) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9*,\-/ a-z#?@]{0,16}$/) },
  ),
  { nil: undefined },
);

const TIMEZONE_CLASSES = [
  'US/Pacific-New',
  'Canada/East-Saskatchewan',
  'SystemV/AST4',
  'europe/berlin',
  'localtime',
  'Factory',
  'Mars/Olympus',
  'UTC',
  'Etc/GMT+5',
  'Europe/Kiev',
  'utc',
  'EST5EDT',
  'US/Pacific',
];
const timezone = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Intl.supportedValuesOf('timeZone')) },
    { weight: 2, arbitrary: fc.constantFrom(...TIMEZONE_CLASSES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  ),
  { nil: undefined, freq: 3 },
);

interface PipelineCase {
  name: string;
  template: string;
  description?: string;
  owner?: string | { pick: number };
  schedule?: string;
  timezone?: string;
}
const pipelineCase = fc.record(
  { name, template: fc.constantFrom('transform', 'ml', 'ingest'), description, owner, schedule, timezone },
  { requiredKeys: ['name', 'template'] },
) as fc.Arbitrary<PipelineCase>;

const team = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{1,10}[a-z0-9]$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'yes',
      'no',
      'on',
      'null',
      'n',
      'y',
      'true',
      '~',
      't'.repeat(63),
      't'.repeat(64),
      'Team',
      'team_x',
      '-x',
      '12',
      'data-eng',
    ),
  },
);
interface PlatformCase {
  platformName?: string;
  owners?: string;
  timezone?: string;
}
const platformCase = fc.record(
  {
    platformName: fc.option(
      fc.oneof(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
        fc.constantFrom('acme-', 'Acme', 'a'.repeat(64), 'yes', 'null', 'on'),
      ),
      { nil: undefined },
    ),
    owners: fc.option(
      fc.array(team, { maxLength: 4 }).map((teams) => teams.join(',')),
      { nil: undefined },
    ),
    timezone: fc.option(
      fc.oneof(fc.constantFrom(...TIMEZONE_CLASSES), fc.constantFrom('Europe/Berlin', 'Asia/Kolkata')),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<PlatformCase>;

// ---- Running one input ----------------------------------------------------------------------

type Outcome = { accepted: true } | { accepted: false; message: string } | { bug: string };

/** Text a terminal shows on more than one line. */
const MULTILINE = /[\n\r\v\f\x85\u2028\u2029]/;
/** Values a command line can carry unchanged (no NUL, no unpaired surrogate). */
const argvSafe = (values: string[]) =>
  values.every((v) => !/\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v));

async function create(
  cwd: string,
  flags: Record<string, string>,
  platform: boolean,
  viaCli: boolean,
): Promise<Outcome> {
  if (viaCli) {
    const args = [
      '--yes',
      '--no-branch',
      ...(platform ? ['--platform'] : []),
      ...Object.entries(flags).map(([flag, value]) => `--${flag}=${value}`),
    ];
    const result = createCli(args, cwd);
    if (result.code === 0) return { accepted: true };
    const lines = result.stderr.trimEnd().split('\n');
    if (result.code !== 2 || lines.length !== 1 || !lines[0]!.startsWith('create-pipeline: error: '))
      return { bug: `exit ${result.code}, stderr ${JSON.stringify(result.stderr)}` };
    return { accepted: false, message: lines[0]! };
  }
  try {
    await createInProcess({ cwd, flags, platform, branch: false, dryRun: false, interactive: false });
    return { accepted: true };
  } catch (error) {
    if (error instanceof CliError && error.exitCode === 2) {
      return MULTILINE.test(error.message)
        ? { bug: `a message on more than one line: ${JSON.stringify(error.message)}` }
        : { accepted: false, message: error.message };
    }
    return { bug: `not a user error: ${(error as Error)?.stack ?? String(error)}` };
  }
}

/** Runs one input against `root`; a refusal must leave the tree as it was. */
async function attempt(
  root: string,
  flags: Record<string, string>,
  platform: boolean,
  viaCli: boolean,
  problems: string[],
  what: string,
): Promise<boolean> {
  const before = treeFingerprint(root);
  const outcome = await create(root, flags, platform, viaCli);
  if ('bug' in outcome) {
    problems.push(`${what}: ${outcome.bug}`);
    return false;
  }
  if (!outcome.accepted) {
    const after = treeFingerprint(root);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (key) => before.get(key) !== after.get(key),
    );
    if (changed.length)
      problems.push(`${what}: refused (${outcome.message}) but changed ${changed.slice(0, 5).join(', ')}`);
  }
  return outcome.accepted;
}

const describeCase = (flags: Record<string, string>, how: string) => `${how} ${JSON.stringify(flags)}`;

// ---- The run ---------------------------------------------------------------------------------

interface Host {
  root: string;
  owners: string[];
}
interface Accepted {
  root: string;
  name: string;
  flags: Record<string, string>;
}

const problems: string[] = [];
const hosts: Host[] = [];
const accepted: Accepted[] = [];
let refused = 0;
let viaCli = 0;

describe(`create-pipeline over generated inputs (${seeded})`, () => {
  beforeAll(async () => {
    // Hosts: one platform made as a user would (git, through the CLI), one whose teams YAML 1.1 would
    // misread, then new platforms from generated answers (accepted ones host pipelines too).
    const first = makePlatform({ owners: 'analytics,ml-team' });
    hosts.push({ root: first, owners: loadPlatformConfig(first).owners.map((o) => o.name) });
    const platformCases: PlatformCase[] = [
      { owners: 'yes,null,on,n,data-eng', timezone: 'Europe/Berlin', platformName: 'null' },
      ...fc.sample(platformCase, { seed: SEED, numRuns: 24 }),
    ];
    for (const [i, c] of platformCases.entries()) {
      const flags: Record<string, string> = {};
      if (c.platformName !== undefined) flags['platform-name'] = c.platformName;
      if (c.owners !== undefined) flags.owners = c.owners;
      if (c.timezone !== undefined) flags['default-timezone'] = c.timezone;
      const dir = tempDir('fuzz-platform-');
      const cli = i % 8 === 3 && argvSafe(Object.values(flags));
      if (cli) viaCli++;
      if (await attempt(dir, flags, true, cli, problems, describeCase(flags, 'new platform'))) {
        if (hosts.length < 5) hosts.push({ root: dir, owners: loadPlatformConfig(dir).owners.map((o) => o.name) });
      } else refused++;
    }

    const cases = fc.sample(pipelineCase, { seed: SEED + 1, numRuns: RUNS });
    for (const [i, c] of cases.entries()) {
      // The same name always goes to the same host: names stay unique across the Python process.
      const host = hosts[[...c.name].reduce((h, ch) => (h * 31 + ch.codePointAt(0)!) >>> 0, 7) % hosts.length]!;
      const flags: Record<string, string> = { name: c.name, template: c.template };
      if (c.description !== undefined) flags.description = c.description;
      if (c.owner !== undefined)
        flags.owner = typeof c.owner === 'string' ? c.owner : host.owners[c.owner.pick % host.owners.length]!;
      if (c.schedule !== undefined) flags.schedule = c.schedule;
      if (c.timezone !== undefined) flags.timezone = c.timezone;
      const cli = i % 8 === 0 && argvSafe(Object.values(flags));
      if (cli) viaCli++;
      if (
        await attempt(
          host.root,
          flags,
          false,
          cli,
          problems,
          describeCase(flags, cli ? 'create-pipeline' : 'createPipeline'),
        )
      ) {
        accepted.push({ root: host.root, name: c.name.trim(), flags });
      } else refused++;
    }
  }, 1_800_000);

  it('refuses with exit code 2, one line and an untouched tree, or accepts', () => {
    expect(problems, seeded).toEqual([]);
    // The generators must exercise both sides, and the CLI for real.
    expect(accepted.length, 'accepted inputs').toBeGreaterThan(RUNS / 6);
    expect(refused, 'refused inputs').toBeGreaterThan(RUNS / 6);
    expect(viaCli, 'inputs run through the built CLI').toBeGreaterThan(RUNS / 16);
    console.log(
      `fuzz: ${accepted.length} accepted, ${refused} refused, ${viaCli} through the CLI, ${hosts.length} platforms (${seeded})`,
    );
  });

  it('every generated Python file passes ruff check and ruff format --check (one run of each over every platform)', () => {
    const report = ruffProblems(
      hosts.map((host) => host.root),
      hosts[0]!.root,
    );
    expect(report, `${seeded}\n${report?.slice(0, 6000)}`).toBeUndefined();
  });

  const yamlFiles = () => hosts.flatMap((host) => walkYaml(host.root));
  const deployments = () => loadPlatformConfig(hosts[0]!.root).deployments.map((d) => d.name);
  interface Definitions {
    jobs: string[];
    schedules: string[];
    sensors: string[];
  }

  let loadedOnce:
    | {
        deployments: Record<
          string,
          { failures: Record<string, string>; loaded: number; definitions: Record<string, Definitions> }
        >;
        yaml: Record<string, unknown>;
      }
    | undefined;

  /** Every accepted pipeline in every deployment, loaded by one Python process (Dagster imported once). */
  function load() {
    if (loadedOnce) return loadedOnce;
    const file = join(tempDir('fuzz-cases-'), 'cases.json');
    writeFileSync(
      file,
      JSON.stringify({
        pipelines: accepted.map((a) => [a.root, a.name]),
        deployments: deployments(),
        yaml: yamlFiles(),
      }),
    );
    const result = run(PYTHON, [pythonScript('load_pipelines.py'), file], hosts[0]!.root, {}, 1_200_000);
    if (result.code !== 0) throw new Error(`load_pipelines.py failed (${seeded}):\n${result.stderr.slice(-3000)}`);
    loadedOnce = JSON.parse(result.stdout);
    return loadedOnce!;
  }

  it('every accepted pipeline loads in Dagster in every deployment (one Python process for all)', () => {
    const failed: string[] = [];
    const loadedIn = load().deployments;
    expect(Object.keys(loadedIn).sort()).toEqual(deployments().sort());
    for (const deployment of deployments()) {
      const { failures, loaded } = loadedIn[deployment]!;
      for (const [where, why] of Object.entries(failures)) failed.push(`${deployment}: ${where}: ${why}`);
      if (!failures['import dagster']) expect(loaded + Object.keys(failures).length, deployment).toBe(accepted.length);
    }
    expect(
      failed,
      `${seeded}; inputs: ${JSON.stringify(accepted.filter((a) => failed.some((f) => f.includes(`::${a.name}:`))).map((a) => a.flags))}`,
    ).toEqual([]);
  }, 1_800_000);

  it('in every deployment Dagster loads exactly the jobs, schedules and sensors pipeline list says it does', () => {
    const loadedIn = load().deployments;
    const differ: string[] = [];
    for (const root of new Set(accepted.map((a) => a.root))) {
      const listed = runBin('pipeline', ['list', '--json', '--cwd', root], root);
      expect(listed.code, listed.stderr).toBe(0);
      const pipelines = JSON.parse(listed.stdout).pipelines as {
        name: string;
        deployments: Record<string, Definitions>;
      }[];
      for (const a of accepted.filter((a) => a.root === root)) {
        const says = pipelines.find((p) => p.name === a.name)?.deployments;
        for (const deployment of deployments()) {
          const dagster = loadedIn[deployment]!.definitions[`${root}::${a.name}`];
          const ours = says?.[deployment] && {
            jobs: [...says[deployment].jobs].sort(),
            schedules: [...says[deployment].schedules].sort(),
            sensors: [...says[deployment].sensors].sort(),
          };
          if (JSON.stringify(dagster) !== JSON.stringify(ours))
            differ.push(
              `${a.name} in ${deployment}: Dagster ${JSON.stringify(dagster)}, pipeline list ${JSON.stringify(ours)}`,
            );
        }
      }
    }
    expect(differ.slice(0, 10), seeded).toEqual([]);
  });

  it('every YAML file written reads the same in PyYAML as in the yaml package, with the answers as given and a Compose service per pipeline', () => {
    const { yaml: pyyaml } = load();
    const differ: string[] = [];
    for (const file of yamlFiles()) {
      const ours = JSON.parse(JSON.stringify(parse(readFileSync(file, 'utf8'), { merge: true }) ?? null));
      if (JSON.stringify(ours) !== JSON.stringify(pyyaml[file]))
        differ.push(
          `${file}: yaml ${JSON.stringify(ours)?.slice(0, 300)} / PyYAML ${JSON.stringify(pyyaml[file])?.slice(0, 300)}`,
        );
    }
    for (const a of accepted) {
      const answers = pyyaml[join(a.root, 'pipelines', a.name, '.pipeline-answers.yaml')] as
        | Record<string, unknown>
        | undefined;
      if (!answers) {
        differ.push(`${a.name}: no answers file`);
        continue;
      }
      if (a.flags.description?.trim() && answers.description !== a.flags.description.trim())
        differ.push(
          `${a.name}: description ${JSON.stringify(answers.description)} != ${JSON.stringify(a.flags.description.trim())}`,
        );
      if (answers.name !== a.name) differ.push(`${a.name}: name ${JSON.stringify(answers.name)}`);
      if (a.flags.owner !== undefined && answers.owner !== a.flags.owner)
        differ.push(`${a.name}: owner ${JSON.stringify(answers.owner)}`);
    }
    // Compose runs each pipeline as its own service, built from its folder (not one of the platform's).
    for (const a of accepted) {
      const compose = pyyaml[join(a.root, 'docker-compose.yaml')] as
        | { services?: Record<string, { build?: string }> }
        | undefined;
      if (compose && compose.services?.[a.name]?.build !== `./pipelines/${a.name}`)
        differ.push(
          `${a.name}: docker-compose.yaml's service ${a.name} is ${JSON.stringify(compose.services?.[a.name])?.slice(0, 200)}`,
        );
    }
    expect(differ, seeded).toEqual([]);
  }, 1_800_000);
});

/** Every YAML file below `root`, but git's own. */
function walkYaml(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter(
      (entry) =>
        entry.isFile() && /\.ya?ml$/.test(entry.name) && !join(entry.parentPath, entry.name).includes(`${root}/.git/`),
    )
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
