// `pipeline codemod new|test|list`: a platform team's own codemods, in the platform repo's
// codemods/ folder, next to the built-in ones.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { findPlatformRoot, loadPlatformConfig, PLATFORM_FILE } from '../conventions/platform-config.ts';
import { CliError, EXIT, InputError, StateError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { templatesDir } from '../paths.ts';
import { renderString } from '../render/templates.ts';
import { FileTree } from '../tree/file-tree.ts';
import { writing } from '../tree/transaction.ts';
import { CODEMODS_DIR, FIXTURES_DIR } from '../upgrade/platform-codemods.ts';
import { allCodemods, defaultTarget } from '../upgrade/runner.ts';
import { codemodCases } from '../upgrade/testing.ts';
import { listCodemods } from './upgrade.ts';

const FLAGS: GlobalFlag[] = [
  {
    flag: 'version',
    type: 'string',
    valueName: 'n',
    help: 'new: the conventions version the codemod brings pipelines to (default: the next one)',
  },
  { flag: 'description', type: 'string', valueName: 'text', help: 'new: one line on what it changes' },
  { flag: 'dry-run', type: 'boolean', help: 'new: print the files it would write, and write nothing' },
  CWD_FLAG,
  HELP_FLAG,
];

export const codemodHelp = () =>
  renderHelp(
    'pipeline codemod <new ID|test [ID]|list> [options]',
    'A platform\'s own codemods live in codemods/ of the platform repo: one module each, registered in\ncodemods/index.ts, with fixture folders (input/, expected/) in codemods/__fixtures__/<id>/.\n`pipeline upgrade` runs them with the built-in ones, ordered by version.\n\n  new ID     write codemods/ID.ts and its fixtures folder, and register it in codemods/index.ts\n  test [ID]  run the fixture cases of one codemod, or of all\n  list       list every codemod, built-in and the platform\'s\n\nExamples:\n  npx pipeline codemod new add-team-tag --description "Tag every job with its owning team"\n  npx pipeline codemod test add-team-tag         # its fixture cases: input/ becomes expected/, twice\n  npx pipeline codemod list',
    [{ title: 'Options', flags: FLAGS }],
  );

const identifierOf = (id: string) =>
  id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^(\d)/, '_$1');

const INDEX_HEADER = `// The platform's own codemods, run by \`pipeline upgrade\` with the built-in ones, by version.
// \`pipeline codemod new <id>\` adds each one here.
import type { Codemod } from '@create-pipeline/cli';

export const codemods: Codemod[] = [];
`;

async function newCodemod(root: string, id: string, values: Record<string, unknown>): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(id))
    throw new InputError(
      `codemod id ${JSON.stringify(id)} must be lowercase letters, digits and dashes, starting with a letter (for example add-team-tag)`,
    );
  const existing = await allCodemods(root);
  if (existing.some((c) => c.id === id))
    throw new InputError(`a codemod with the id ${id} exists already; pipeline codemod list shows them`);
  const platform = loadPlatformConfig(root);
  const version =
    values.version === undefined
      ? Math.max(platform.conventionsVersion, defaultTarget(existing)) + 1
      : Number(values.version);
  if (!Number.isInteger(version) || version < 1)
    throw new InputError(`--version ${values.version} must be a whole number from 1`);
  const description = String(values.description ?? `TODO: say what ${id} changes`);
  const identifier = identifierOf(id);
  const tree = new FileTree(root);
  const file = `${CODEMODS_DIR}/${id}.ts`;
  if (tree.exists(file)) throw new StateError(`${file} exists already; move it aside or choose another id`);
  const template = (name: string) => readFileSync(join(templatesDir(), 'codemod', name), 'utf8');
  tree.write(file, renderString(template('codemod.ts.hbs'), { id, identifier, version, description }));
  tree.write(
    `${CODEMODS_DIR}/${FIXTURES_DIR}/${id}/README.md`,
    renderString(template('fixtures-README.md.hbs'), { id }),
  );

  // Register it in the index with ts-morph: an import and an entry in the `codemods` list.
  const { Project, QuoteKind, SyntaxKind } = await import('ts-morph');
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind: QuoteKind.Single } });
  const index = `${CODEMODS_DIR}/index.ts`;
  const source = project.createSourceFile('index.ts', tree.read(index) ?? INDEX_HEADER);
  const list = source.getVariableDeclaration('codemods')?.getInitializerIfKind(SyntaxKind.ArrayLiteralExpression);
  if (!list)
    throw new InputError(`${index} must declare \`export const codemods: Codemod[] = [...]\`; add it, then run again`);
  source.addImportDeclaration({ moduleSpecifier: `./${id}.ts`, namedImports: [identifier] });
  list.addElement(identifier);
  tree.write(index, source.getFullText());

  const plan = tree.toPlan();
  if (values['dry-run'])
    return `Dry run: would write\n${plan.changes.map((c) => `  ${c.kind === 'create' ? 'create' : 'update'}  ${c.path}`).join('\n')}`;
  // Under the repo's lock, all or nothing, like every command that writes.
  await writing(root, 'pipeline codemod new', { dryRun: false }, async (tx) => tx!.apply(plan));
  return [
    `Created codemod ${id} (v${version}):`,
    ...plan.changes.map((c) => `  ${c.kind === 'create' ? 'create' : 'update'}  ${c.path}`),
    '',
    `Next: write its fixture cases, then run pipeline codemod test ${id}`,
  ].join('\n');
}

async function testCodemods(root: string, only: string | undefined): Promise<{ text: string; failed: number }> {
  const codemods = (await allCodemods(root)).filter((c) => c.source === 'platform' && (!only || c.id === only));
  if (only && codemods.length === 0) throw new InputError(`no codemod ${only} in ${CODEMODS_DIR}/index.ts`);
  const lines: string[] = [];
  let failed = 0;
  let passed = 0;
  for (const codemod of codemods) {
    const fixtures = join(root, CODEMODS_DIR, FIXTURES_DIR, codemod.id);
    const cases = existsSync(fixtures) ? codemodCases(fixtures) : [];
    if (cases.length === 0)
      lines.push(
        `${codemod.id}: no fixture cases in ${CODEMODS_DIR}/${FIXTURES_DIR}/${codemod.id}/ (add <case>/input and <case>/expected)`,
      );
    for (const testCase of cases) {
      try {
        const { actual, expected, again } = await testCase.check(codemod);
        const diffs = Object.keys({ ...actual, ...expected })
          .filter((p) => actual[p] !== expected[p])
          .map((p) => createTwoFilesPatch(`expected/${p}`, `actual/${p}`, expected[p] ?? '', actual[p] ?? ''));
        const second = diffs.length ? 0 : again;
        if (diffs.length || second) {
          failed++;
          lines.push(
            `FAIL ${codemod.id} / ${testCase.name}${second ? ': a second run made changes (check for the target shape first)' : ''}`,
            ...diffs,
          );
        } else {
          passed++;
          lines.push(`ok   ${codemod.id} / ${testCase.name}`);
        }
      } catch (error) {
        failed++;
        lines.push(`FAIL ${codemod.id} / ${testCase.name}: threw ${(error as Error).message}`);
      }
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { text: lines.join('\n'), failed };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline codemod');
  const [sub, id, ...extra] = positionals;
  if (values.help || !sub) {
    process.stdout.write(`${codemodHelp()}\n`);
    return sub || values.help ? EXIT.ok : EXIT.usage;
  }
  if (extra.length) throw new InputError(`unexpected ${extra.join(' ')}; see pipeline codemod --help`);
  const cwd = resolve((values.cwd as string | undefined) ?? process.cwd());
  const root = findPlatformRoot(cwd);
  if (!root)
    throw new InputError(
      `no ${PLATFORM_FILE} in ${cwd} or any folder above it; run pipeline codemod in your platform repo`,
    );
  switch (sub) {
    case 'new':
      if (!id) throw new InputError('pipeline codemod new needs an id: pipeline codemod new add-team-tag');
      process.stdout.write(`${await newCodemod(root, id, values)}\n`);
      return EXIT.ok;
    case 'test': {
      const { text, failed } = await testCodemods(root, id);
      process.stdout.write(`${text}\n`);
      return failed ? EXIT.failure : EXIT.ok;
    }
    case 'list':
      process.stdout.write(`${listCodemods(await allCodemods(root))}\n`);
      return EXIT.ok;
    default:
      throw new CliError(`unknown codemod command ${JSON.stringify(sub)}; use new, test or list`, EXIT.usage);
  }
}
