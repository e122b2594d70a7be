// `create-pipeline --yes` starts lean: it loads no network code, no prompt library and no template
// compiler (every template is precompiled), and Node's own modules tell: the CLI runs with a
// preloaded module that lists, at exit, Node's built-in modules and the CommonJS files it loaded.
// (How fast it is, bench/generate.mjs prints; no test asserts a time.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../helpers/cli.ts';
import { makePlatform, tempDir } from '../helpers/workspace.ts';

const REPORT = `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify({
  builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
  files: Object.keys(require.cache),
}) + '\\n'));
`;

function loaded(args: string[], cwd: string): { builtins: string[]; files: string[]; stdout: string } {
  const hook = join(tempDir('hook-'), 'report-loaded.mjs');
  writeFileSync(hook, REPORT);
  const result = createPipeline(args, cwd, { NODE_OPTIONS: `--import ${pathToFileURL(hook).href}` });
  expect(result.code, result.stderr).toBe(0);
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  expect(line, result.stderr).toBeDefined();
  return { ...JSON.parse(line!.slice('LOADED '.length)), stdout: result.stdout };
}

describe('create-pipeline --yes', () => {
  it('loads no network code, no prompts and no template compiler', () => {
    const dir = makePlatform();
    for (const args of [['--dry-run'], ['--no-branch']]) {
      const { builtins, files, stdout } = loaded(['orders', '--yes', '--template', 'transform', ...args], dir);
      expect(stdout).toContain('pipelines/orders/');
      // The report is real: the modules generation needs are listed.
      expect(builtins).toContain('fs');
      expect(builtins).toContain('child_process');
      for (const network of ['http', 'https', 'tls', 'http2', 'zlib', 'internal/deps/undici/undici'])
        expect(builtins, args.join(' ')).not.toContain(network);
      // @inquirer/prompts reads keys with readline; without a terminal nothing asks.
      expect(builtins).not.toContain('readline');
      expect(files.filter((file) => /handlebars/.test(file))).toEqual([]);
    }
  });
});
