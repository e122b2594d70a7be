// The input rules agree with the tools that would refuse the input later: each rule is checked
// against the real thing (Dagster, Python, PyYAML, zoneinfo with tzdata) for a few hundred values,
// in one Python process per rule. FUZZ_SEED=<n> replays a run.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import {
  checkCron,
  checkPipelineName,
  composeServices,
  cronProblem,
  isTimezone,
  ownerNameProblem,
  pipelineNameProblem,
  platformNameProblem,
  textProblem,
  timezoneProblem,
} from '../../src/validate/index.ts';
import { INSTALLED_MODULES, PYTHON_STDLIB } from '../../src/validate/python-names.ts';
import { TZDATA_ZONES } from '../../src/validate/tzdata.ts';
import { PYTHON } from '../helpers/python.ts';
import { tempDir } from '../helpers/workspace.ts';

// A fixed seed by default, so CI never fails by chance; FUZZ_SEED=random explores, FUZZ_SEED=<n> replays.
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261125);
const seeded = `(seed ${SEED}; replay with FUZZ_SEED=${SEED})`;

let scratch: string | undefined;
/** Runs a Python program once on a JSON list read from stdin; returns what it prints as JSON. */
function python(program: string, input: unknown): unknown {
  const result = spawnSync(PYTHON, ['-I', '-c', program], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    cwd: (scratch ??= tempDir('validate-')),
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('cron expressions', () => {
  const FIELDS: [number, number, string[]][] = [
    [0, 59, []],
    [0, 23, []],
    [1, 31, ['l', '?', 'L']],
    [1, 12, ['jan', 'feb', 'Mar', 'dec', 'JUN']],
    [0, 7, ['mon', 'sun', 'FRI', '?', 'l5', 'mon#2', '5#3', '1#6', 'sat#5']],
  ];
  const number = (lo: number, hi: number) => fc.integer({ min: lo - 1, max: hi + 2 }).map(String);
  const atom = ([lo, hi, words]: [number, number, string[]]) =>
    fc.oneof(
      { weight: 4, arbitrary: number(lo, hi) },
      { weight: 2, arbitrary: fc.constant('*') },
      { weight: 2, arbitrary: fc.tuple(number(lo, hi), number(lo, hi)).map(([a, b]) => `${a}-${b}`) },
      { weight: words.length ? 2 : 0, arbitrary: words.length ? fc.constantFrom(...words) : fc.constant('*') },
      {
        weight: words.length ? 1 : 0,
        arbitrary: words.length
          ? fc.tuple(fc.constantFrom(...words), fc.constantFrom(...words)).map(([a, b]) => `${a}-${b}`)
          : fc.constant('*'),
      },
    );
  const field = (spec: [number, number, string[]]) =>
    fc
      .array(
        fc
          .tuple(atom(spec), fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined }))
          .map(([a, step]) => (step === undefined ? a : `${a}/${step}`)),
        { minLength: 1, maxLength: 3 },
      )
      .map((items) => items.join(','));
  const grammar = fc.tuple(...FIELDS.map(field)).map((fields) => fields.join(' '));
  // The plausible ones: a time of day, and a day of month in some months (31 April never comes).
  const plausible = fc
    .tuple(
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 1, max: 31 }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('*', 'mon', '1-5', '0'),
    )
    .map(([m, h, d, months, dow]) => `${m} ${h} ${d} ${months.join(',')} ${dow}`);
  const noise = fc.stringMatching(/^[0-9*,\-/ a-z#?@LHR]{0,16}$/);
  const generated = fc.sample(
    fc.oneof({ weight: 5, arbitrary: grammar }, { weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: noise }),
    { seed: SEED, numRuns: 400 },
  );
  const HAND = [
    '0 6 * * *',
    '*/15 * * * *',
    '0 6 * * mon-fri',
    '0 0 1,15 * *',
    '30 2 * JAN,jul SUN',
    '0 6 * * 7',
    '0 0 1-5/2 * *',
    '@daily',
    '@hourly',
    '@weekly',
    '@monthly',
    '@yearly',
    '@DAILY',
    '0 6 * *',
    '60 * * * *',
    '0 24 * * *',
    '0 6 31 2 *',
    '0 6 30 2 *',
    '* * * * * *',
    '0 0 0 1 1 * 2030',
    'a b c d e',
    '0 6 * * 8',
    '5-1 * * * *',
    '22-2 * * * *',
    '*/0 * * * *',
    '@sometimes',
    '',
    '0 6 0 * *',
    '0 0 29 2 *',
    '0 6 31 2 mon',
    '0 6 30,31 2 *',
    '0 0 30-30 2 *',
    '0 6 31 2-2 *',
    '0 0 31 4 *',
    '0 0 31 4 mon',
    '0 0 31 2,4 mon',
    '0 6 l * *',
    '0 6 * * 5#2',
    '0 6 * * l5',
    '0 6 ? * *',
    '0 6 * * mon-sun',
    '0 6 * * 0-7',
    '0 6 * * 1#6',
    'H * * * *',
    '0 0 0-0 * *',
    '0 0 l-5 * *',
    '0 6 * * fri#2,mon',
    '0 6 * * mon-fri#2',
    '0 0 ? ? *',
    '0 0 7-3/4 * *',
    '0 0 * * 6-2/3',
    '0 0 * * 1-3#2',
    '0 6 1,,2 * *',
    '-1 * * * *',
    '0 0 * * constructor',
    '0 0 * valueof *',
    '@constructor',
  ];
  // Refused here although Dagster loads them: R (random) is drawn again in every process, and
  // anything but printable ASCII (Python splits fields on more kinds of whitespace than a reader sees).
  const STRICTER = ['r * * * *', 'R/5 * * * *', '0\u00a06 * * *', '0 6 * *\u2028*', '0\x1c6 * * * *'];

  it(`accepts exactly what Dagster accepts and can schedule, over ${HAND.length + 400} expressions ${seeded}`, () => {
    const crons = [...new Set([...HAND, ...generated])];
    // Dagster's verdict on the text we would write (trimmed, single spaces), and whether its schedule
    // iterator finds a tick (it raises for a day that no allowed month has).
    const program = `import json, sys, datetime
from dagster._utils.schedules import is_valid_cron_string, cron_string_iterator
start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
out = []
for c in json.load(sys.stdin):
    ok = is_valid_cron_string(c)
    if ok:
        try:
            next(cron_string_iterator(start, c, "UTC"))
        except Exception:
            ok = False
    out.append(ok)
print(json.dumps(out))`;
    const written = crons.map((c) => c.trim().replace(/[ \t]+/g, ' '));
    const dagster = python(program, written) as boolean[];
    const disagree = crons
      .filter((c, i) => (cronProblem(c) === undefined) !== dagster[i])
      .map((c) => `${JSON.stringify(c)}: ours ${cronProblem(c) ?? 'accepts'}`);
    expect(disagree, seeded).toEqual([]);
    expect(STRICTER.map(cronProblem).every(Boolean)).toBe(true);
    expect(
      generated.filter((c) => cronProblem(c) === undefined).length,
      'the generator makes enough valid expressions',
    ).toBeGreaterThan(80);
  });

  it('names the field that is wrong and how to write a good one', () => {
    expect(() => checkCron('0 25 * * *')).toThrow(/hour field "25" is outside 0-23.*"0 6 \* \* \*"/);
    expect(() => checkCron('0 6 * *')).toThrow(/it has 4 fields, not 5/);
    expect(() => checkCron('0 6 31 2 mon')).toThrow(
      /February 31 never occurs, and Dagster refuses it even with a day of week/,
    );
    expect(() => checkCron('0 0 31 4 *')).toThrow(/never occurs in the months it names/);
    expect(() => checkCron('r * * * *')).toThrow(/random value \(R\)/);
    expect(() => checkCron('0 6 * *\u2028*')).toThrow(/line separator \(U\+2028\)/);
    expect(checkCron('  0  6 * *\t*  ')).toBe('0 6 * * *');
  });
});

describe('pipeline names', () => {
  const error = (name: string, existing: string[] = []) => {
    try {
      checkPipelineName(name, existing);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts plain lowercase Python package names', () => {
    for (const name of ['orders_daily', 'm2', 'a__b', 'constructor', 'revenue', 'yes_please', 'null_rates'])
      expect(error(name), name).toBe('accepted');
  });

  it('refuses names Python or the environment would trip over, saying what to use instead', () => {
    expect(error('Orders-Daily')).toMatch(/not a valid Python package name.*for example orders_daily/);
    // Accents are dropped, not the letters they sit on.
    expect(error('ünï')).toMatch(/not a valid Python package name.*for example uni\)$/);
    expect(error('Bestellungen_Köln')).toMatch(/for example bestellungen_koln\)$/);
    expect(error('class')).toMatch(/is a Python keyword/);
    expect(error('match')).toMatch(/is a Python keyword/);
    expect(error('json')).toMatch(/shadow Python's standard-library module json/);
    expect(error('dagster')).toMatch(/shadow the installed package dagster/);
    expect(error('dagster_utils')).toMatch(/shadow the installed package/);
    expect(error('../x')).toMatch(/is a path/);
    expect(error('/abs/x')).toMatch(/is a path/);
    expect(error('orders', ['orders'])).toMatch(/already exists in pipelines\/orders/);
    expect(error('')).toMatch(/--name/);
  });

  it('refuses what YAML 1.1, Dagster, Compose and Docker would refuse (the fuzzed classes)', () => {
    for (const name of ['yes', 'on', 'no', 'off', 'true', 'false', 'y', 'n', 'null'])
      expect(error(name), name).toMatch(/reads as a (bool|null), not a name, in YAML 1\.1/);
    for (const name of ['postgres', 'webserver', 'daemon'])
      expect(error(name), name).toMatch(/taken by the platform's own Compose service/);
    for (const name of ['type', 'context', 'config', 'input', 'output']) expect(error(name), name).not.toBe('accepted');
    expect(error('context')).toMatch(/is a name Dagster reserves/);
    for (const name of ['pydantic', 'typing_extensions', 'click', 'packaging', 'yaml', 'grpc', 'six'])
      expect(error(name), name).toMatch(/would shadow the installed package/);
    expect(error('python_dateutil')).toMatch(/distribution python-dateutil/);
    expect(error('orders_')).toMatch(/not a valid Docker image name \(it ends with an underscore\).*use orders/);
    expect(error('a___b')).toMatch(/three or more underscores/);
    expect(error('tests')).toMatch(/folder inside every pipeline/);
    // pytest imports tests/conftest.py as `conftest`, ahead of src/: `from conftest.modes import MODES` failed.
    for (const name of ['conftest', 'test_orders'])
      expect(error(name), name).toMatch(/a name pytest gives the modules of every pipeline's tests\//);
  });

  it("reads the platform's own Compose services from its compose file, else from the template", () => {
    expect(composeServices(undefined)).toEqual(expect.arrayContaining(['postgres', 'webserver', 'daemon']));
    expect(pipelineNameProblem('minio', { services: ['postgres', 'minio'] })).toMatch(/Compose service minio/);
    expect(pipelineNameProblem('postgres', { services: ['minio'] })).toBeUndefined();
  });

  it(`refuses every name Python, Dagster or PyYAML would trip over ${seeded}`, () => {
    const known = [
      ...Object.keys(INSTALLED_MODULES),
      ...PYTHON_STDLIB,
      'yes',
      'on',
      'null',
      'type',
      'context',
      'print',
      'requests',
      'six',
      'py',
      'toposort',
    ];
    const names = [
      ...new Set([
        ...known,
        ...fc.sample(fc.oneof(fc.constantFrom(...known), fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/)), {
          seed: SEED,
          numRuns: 300,
        }),
      ]),
    ].filter((n) => /^[a-z][a-z0-9_]*$/.test(n));
    const program = `import json, sys, keyword, importlib.util, yaml
from dagster._core.definitions.utils import DISALLOWED_NAMES
out = []
for name in json.load(sys.stdin):
    why = []
    if keyword.iskeyword(name) or keyword.issoftkeyword(name): why.append("keyword")
    if name in sys.stdlib_module_names: why.append("stdlib")
    try:
        if name in sys.modules or importlib.util.find_spec(name) is not None: why.append("importable")
    except ValueError:
        why.append("importable")
    if name in DISALLOWED_NAMES: why.append("dagster")
    if yaml.safe_load(name) != name: why.append("yaml")
    out.append(why)
print(json.dumps(out))`;
    const verdicts = python(program, names) as string[][];
    const missed = names
      .filter((name, i) => verdicts[i]!.length > 0 && pipelineNameProblem(name) === undefined)
      .map((name) => `${name} (${verdicts[names.indexOf(name)]!.join(', ')})`);
    expect(missed, seeded).toEqual([]);
  });
});

describe('platform and team names', () => {
  it('follow Docker and Dagster tag rules', () => {
    expect(platformNameProblem('acme')).toBeUndefined();
    expect(platformNameProblem('acme-')).toMatch(/ends with a dash.*use acme/);
    expect(platformNameProblem('Acme')).toMatch(/lowercase/);
    expect(ownerNameProblem('ml-team')).toBeUndefined();
    expect(ownerNameProblem(`t${'x'.repeat(63)}`)).toMatch(/at most 63 in a tag value/);
  });
});

describe('free text (descriptions)', () => {
  it('refuses characters that end lines in some readers, hide, or reorder text, and names them', () => {
    expect(textProblem('Revenue "per day"\nsecond line\twith a tab, é ✓ 😀', 2000)).toBeUndefined();
    expect(textProblem('a\u2028b', 2000)).toMatch(/contains a line separator \(U\+2028\) at character 2; remove it/);
    expect(textProblem('a\rb', 2000)).toMatch(/carriage return/);
    expect(textProblem('a\x85b', 2000)).toMatch(/next-line character/);
    expect(textProblem('x\u202eevil', 2000)).toMatch(/bidirectional-text control/);
    expect(textProblem('\ufeffx', 2000)).toMatch(/byte order mark/);
    expect(textProblem('\ud800x', 2000)).toMatch(/unpaired surrogate/);
    expect(textProblem('x'.repeat(2001), 2000)).toMatch(/2001 characters long/);
  });
});

describe('timezones', () => {
  it('accepts IANA names and refuses the rest', () => {
    expect(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Europe/Kyiv'].map(isTimezone)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(
      [
        'Mars/Olympus',
        'utc+1',
        'europe/berlin',
        '',
        'Berlin',
        'US/Pacific-New',
        'Canada/East-Saskatchewan',
        'SystemV/AST4',
        'localtime',
        'Factory',
      ].map(isTimezone),
    ).toEqual(Array(10).fill(false));
    expect(timezoneProblem('europe/berlin')).toMatch(/write it Europe\/Berlin/);
    expect(timezoneProblem('US/Pacific-New')).toMatch(/current tzdata .* no longer has/);
    // In tzdata, refused by ICU: the message names no fix that is the value itself.
    expect(timezoneProblem('Factory')).toBe(
      'is not the timezone of a place; use a name such as UTC, Europe/Berlin or America/New_York',
    );
    expect(timezoneProblem('factory')).toBe(timezoneProblem('Factory'));
  });

  it('accepts exactly what zoneinfo with the tzdata package and ICU both accept', () => {
    const names = [
      ...new Set([
        ...TZDATA_ZONES,
        ...Intl.supportedValuesOf('timeZone'),
        'US/Pacific-New',
        'Canada/East-Saskatchewan',
        'SystemV/AST4',
        'localtime',
        'posixrules',
        'Factory',
        'utc',
        'Europe/berlin',
        ' UTC',
        'Mars/Olympus',
      ]),
    ];
    const program = `import json, sys, zoneinfo
zoneinfo.reset_tzpath([])
out = []
for name in json.load(sys.stdin):
    try:
        zoneinfo.ZoneInfo(name); out.append(True)
    except Exception:
        out.append(False)
print(json.dumps(out))`;
    const python_ok = python(program, names) as boolean[];
    const icu = (name: string) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: name });
        return true;
      } catch {
        return false;
      }
    };
    const disagree = names.filter((name, i) => isTimezone(name) !== (python_ok[i]! && icu(name)));
    expect(disagree).toEqual([]);
  });
});
