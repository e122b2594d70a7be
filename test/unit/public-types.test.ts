// types/index.d.ts, what a platform's own codemods import, is generated from src/public.ts (npm run
// build): a committed file that differs from what the source gives fails here, and a codemod as
// `pipeline codemod new` writes it compiles against the file with tsc, as in a platform repo.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_TYPES_FILE, publicTypes } from '../../scripts/public-types.ts';
import { runBin } from '../helpers/cli.ts';
import { makePlatform } from '../helpers/workspace.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let generated: string;
beforeAll(() => {
  generated = publicTypes();
});

it('the committed types/index.d.ts is what src/public.ts gives (run npm run build after changing a public type)', () => {
  expect(generated.split('\n')[0]).toMatch(/^\/\/ Generated from src\/public\.ts .*do not edit by hand\.$/);
  expect(readFileSync(PUBLIC_TYPES_FILE, 'utf8'), 'types/index.d.ts is stale: run npm run build').toBe(generated);
});

it('npx tsx scripts/public-types.ts --check, which CI runs before building, passes on the committed file', () => {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/public-types.ts'), '--check'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(out.trim()).toBe('types/index.d.ts is up to date');
});

it('the public surface is the one codemods use: the tree, the engines, the context and the codemod', () => {
  const exported = [...generated.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]);
  // In src/public.ts's order, which the formatter sorts: compared as a set.
  expect(exported.slice(0, 7).sort()).toEqual(
    ['FileTree', 'SgNode', 'Edit', 'TextEdit', 'Engines', 'CodemodContext', 'Codemod'].sort(),
  );
  // The tree a codemod gets has only what a codemod may use: nothing of the CLI's own (toPlan, fork, ...).
  const tree = generated.match(/^export interface FileTree \{\n([\s\S]*?)^\}/m)![1]!;
  expect([...tree.matchAll(/^ {2}(?:readonly )?(\w+)/gm)].map((m) => m[1])).toEqual([
    'root',
    'read',
    'exists',
    'write',
    'list',
  ]);
});

describe('a platform codemod compiled against the generated types', () => {
  let root: string;
  /** tsc --noEmit over codemods/ of the platform repo; its exit code and output. */
  const tsc = (): { code: number; output: string } => {
    try {
      return {
        code: 0,
        output: execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', root], {
          encoding: 'utf8',
        }),
      };
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { code: failed.status, output: failed.stdout };
    }
  };

  beforeAll(() => {
    root = makePlatform();
    // The pinned package (its manifest names the types) and the packages its types refer to:
    // @ast-grep/napi, a dependency of it, and yaml, which the CLI bundles (a platform repo that
    // lacks it sees the YAML engine's document types as any).
    const cli = join(root, 'node_modules/@create-pipeline/cli');
    mkdirSync(join(cli, 'types'), { recursive: true });
    writeFileSync(
      join(cli, 'package.json'),
      JSON.stringify({
        name: '@create-pipeline/cli',
        type: 'module',
        types: 'types/index.d.ts',
        exports: { '.': { types: './types/index.d.ts' } },
      }),
    );
    copyFileSync(PUBLIC_TYPES_FILE, join(cli, 'types/index.d.ts'));
    mkdirSync(join(root, 'node_modules/@ast-grep'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules/@ast-grep/napi'), join(root, 'node_modules/@ast-grep/napi'));
    symlinkSync(join(ROOT, 'node_modules/yaml'), join(root, 'node_modules/yaml'));
    writeFileSync(
      join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          types: [],
        },
        include: ['codemods'],
      }),
    );
    const made = runBin(
      'pipeline',
      ['codemod', 'new', 'add-team-tag', '--description', 'Tag every job with its owning team'],
      root,
    );
    expect(made.code, made.stderr).toBe(0);
  });

  it('compiles the codemod pipeline codemod new writes, and its index', () => {
    expect(readFileSync(join(root, 'codemods/add-team-tag.ts'), 'utf8')).toContain(
      "import type { Codemod } from '@create-pipeline/cli';",
    );
    const result = tsc();
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('compiles a codemod that uses the YAML engine, the platform and todo', () => {
    writeFileSync(
      join(root, 'codemods/yaml-timezone.ts'),
      `import type { Codemod, TextEdit } from '@create-pipeline/cli';

export const yamlTimezone: Codemod = {
  id: 'yaml-timezone',
  version: 9,
  description: 'Every pipeline states its timezone',
  run(tree, ctx) {
    const timezone = ctx.platform?.defaultTimezone ?? 'UTC';
    const owner = ctx.platform?.owners[0]?.name;
    if (!owner) ctx.todo('no owner in platform.yaml');
    const files = tree.list('').filter((path) => path.endsWith('.yaml'));
    return files.reduce((count, path) => count + ctx.engines.yaml.edit(tree, path, (doc, source): TextEdit[] => {
      const pair = ctx.engines.yaml.topLevelPair(doc, 'timezone');
      if (pair) return [];
      const edit = ctx.engines.yaml.insertLineAfter(doc, source, 'name', \`timezone: \${timezone}\`);
      return edit ? [edit] : [];
    }), 0);
  },
};
`,
    );
    const result = tsc();
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a codemod that uses what the types do not have', () => {
    writeFileSync(
      join(root, 'codemods/wrong.ts'),
      `import type { Codemod } from '@create-pipeline/cli';

export const wrong: Codemod = {
  id: 'wrong',
  version: 9,
  description: 'Uses what a codemod is not given',
  run(tree, ctx) {
    tree.toPlan();
    return ctx.platform?.default_timezone ? 1 : 0;
  },
};
`,
    );
    const result = tsc();
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/codemods\/wrong\.ts.*Property 'toPlan' does not exist on type 'FileTree'/);
    expect(result.output).toMatch(
      /codemods\/wrong\.ts.*Property 'default_timezone' does not exist on type 'PlatformConfig'/,
    );
  });
});
