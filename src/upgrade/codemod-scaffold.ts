// A platform team's own codemods: `pipeline codemod new` scaffolds one (its module, its fixtures
// folder, its entry in codemods/index.ts, registered with ts-morph) and `pipeline codemod test`
// runs its fixture cases (input/ becomes expected/, and a second run changes nothing).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { loadPlatformConfig } from '../conventions/platform-config.ts';
import { InputError, StateError, thrownMessage } from '../errors.ts';
import { renderString, templateText } from '../render/templates.ts';
import { FileTree } from '../tree/file-tree.ts';
import { writing } from '../tree/transaction.ts';
import { CODEMODS_DIR, FIXTURES_DIR } from './platform-codemods.ts';
import { allCodemods, defaultTarget, reservedCodemodId } from './runner.ts';
import { codemodCases } from './testing.ts';

const identifierOf = (id: string) =>
  id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^(\d)/, '_$1');

const INDEX_HEADER = `// The platform's own codemods, run by \`pipeline upgrade\` with the built-in ones, by version.
// \`pipeline codemod new <id>\` adds each one here.
import type { Codemod } from '@create-pipeline/cli';

export const codemods: Codemod[] = [];
`;

const MAX_ID = 64;

export async function newCodemod(root: string, id: string, values: Record<string, unknown>): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(id))
    throw new InputError(
      `codemod id ${JSON.stringify(id)} must be lowercase letters, digits and dashes, starting with a letter (for example add-team-tag)`,
    );
  // It names a file and a fixtures folder: well inside any file system's name limit.
  if (id.length > MAX_ID)
    throw new InputError(`codemod id ${id.slice(0, 20)}... is ${id.length} characters; use at most ${MAX_ID}`);
  const reserved = reservedCodemodId(id);
  if (reserved) throw new InputError(`${reserved}; choose another id`);
  const existing = await allCodemods(root);
  if (existing.some((c) => c.id === id))
    throw new InputError(`a codemod with the id ${id} exists already; pipeline codemod list shows them`);
  const platform = loadPlatformConfig(root);
  // Digits only, and a number JavaScript holds exactly: `1e1` and 99999999999999999999 were taken
  // (the second written as 100000000000000000000).
  const version =
    values.version === undefined
      ? Math.max(platform.conventionsVersion, defaultTarget(existing)) + 1
      : /^\d+$/.test(String(values.version))
        ? Number(values.version)
        : Number.NaN;
  if (!Number.isSafeInteger(version) || version < 1)
    throw new InputError(
      `--version ${values.version} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (digits only)`,
    );
  const description = String(values.description ?? `TODO: say what ${id} changes`);
  const identifier = identifierOf(id);
  const tree = new FileTree(root);
  const file = `${CODEMODS_DIR}/${id}.ts`;
  if (tree.exists(file)) throw new StateError(`${file} exists already; move it aside or choose another id`);
  const template = (name: string) => templateText(`codemod/${name}`);
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
  // Behind the platform's version, pipeline upgrade never reaches it on its own.
  const note =
    version <= platform.conventionsVersion
      ? [
          `Note: platform.yaml is at conventions v${platform.conventionsVersion}, so pipeline upgrade runs this v${version} codemod only when asked: pipeline upgrade --codemod ${id}`,
        ]
      : [];
  if (values['dry-run'])
    return [
      'Dry run: would write',
      ...plan.changes.map((c) => `  ${c.kind === 'create' ? 'create' : 'update'}  ${c.path}`),
      ...note,
    ].join('\n');
  // Under the repo's lock, all or nothing, like every command that writes.
  await writing(root, 'pipeline codemod new', { dryRun: false }, async (tx) => tx!.apply(plan));
  return [
    `Created codemod ${id} (v${version}):`,
    ...plan.changes.map((c) => `  ${c.kind === 'create' ? 'create' : 'update'}  ${c.path}`),
    '',
    `Next: write its fixture cases, then run pipeline codemod test ${id}`,
    ...note,
  ].join('\n');
}

export async function testCodemods(root: string, only: string | undefined): Promise<{ text: string; failed: number }> {
  const codemods = (await allCodemods(root)).filter((c) => c.source === 'platform' && (!only || c.id === only));
  if (only && codemods.length === 0) throw new InputError(`no codemod ${only} in ${CODEMODS_DIR}/index.ts`);
  const lines: string[] = [];
  let failed = 0;
  let passed = 0;
  for (const codemod of codemods) {
    const fixtures = join(root, CODEMODS_DIR, FIXTURES_DIR, codemod.id);
    const cases = existsSync(fixtures) ? codemodCases(fixtures) : [];
    // A codemod without a case is untested: that fails, rather than passing with nothing run.
    if (cases.length === 0) {
      failed++;
      lines.push(
        `FAIL ${codemod.id}: no fixture cases in ${CODEMODS_DIR}/${FIXTURES_DIR}/${codemod.id}/ (add <case>/input and <case>/expected)`,
      );
    }
    for (const testCase of cases) {
      try {
        const { actual, expected, again, againActual, unparsable } = await testCase.check(codemod);
        if (unparsable) {
          // What pipeline upgrade refuses fails here, whatever expected/ holds.
          failed++;
          lines.push(`FAIL ${codemod.id} / ${testCase.name}: ${unparsable}; pipeline upgrade would refuse it`);
          continue;
        }
        const diffs = Object.keys({ ...actual, ...expected })
          .filter((p) => actual[p] !== expected[p])
          .map((p) => createTwoFilesPatch(`expected/${p}`, `actual/${p}`, expected[p] ?? '', actual[p] ?? ''));
        // The files decide, not the count the codemod returns (it may say 0 and still edit).
        const second = !diffs.length && (again > 0 || JSON.stringify(againActual) !== JSON.stringify(actual));
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
        lines.push(`FAIL ${codemod.id} / ${testCase.name}: threw ${thrownMessage(error)}`);
      }
    }
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { text: lines.join('\n'), failed };
}
