// What a command prints goes straight to the file descriptor while no stream is open on it (src/output.ts):
// all of it and in order through a pipe, however large; nothing but exit 0 when the reader leaves
// early (`| head`); and once something opens process.stdout, through it, after what came before.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtBin, packageRoot } from '../../src/paths.ts';
import { binEnv } from '../helpers/cli.ts';
import { makePlatform, tempDir } from '../helpers/workspace.ts';

const OUTPUT = pathToFileURL(join(packageRoot(), 'src', 'output.ts')).href;
const script = (code: string) =>
  `import { print, printError, flushed } from ${JSON.stringify(OUTPUT)};\n${code}\nawait flushed();`;
const node = (code: string) => [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script(code)];

describe('print', () => {
  it('writes all of a large output, in order, through a pipe', () => {
    const [bin, ...args] = node(
      "for (let i = 0; i < 20000; i++) print(`line ${i} ${'x'.repeat(200)}\\n`); printError('done\\n');",
    );
    const result = spawnSync(bin!, args, { cwd: packageRoot(), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20000);
    expect(lines.every((line, i) => line === `line ${i} ${'x'.repeat(200)}`)).toBe(true);
    expect(result.stderr).toBe('done\n');
  });

  it('stops quietly, exit 0, when its reader leaves early', () => {
    const [bin, ...args] = node("for (let i = 0; i < 20000; i++) print(`line ${i} ${'x'.repeat(200)}\\n`);");
    const errors = join(tempDir('print-'), 'stderr.txt');
    const quoted = [bin!, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const result = spawnSync(
      'bash',
      ['-c', `${quoted} 2>'${errors}' | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"; cat '${errors}'`],
      {
        cwd: packageRoot(),
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('0\n');
  });

  it('says in one line, exit 1, that standard output cannot be written (a full disk), and drops what follows', () => {
    const [bin, ...args] = node(`
      try { print('x'.repeat(100)); } catch (error) { printError(\`\${error.name} \${error.exitCode}: \${error.message}\\n\`); }
      print('more');
      printError('after\\n');`);
    const full = openSync('/dev/full', 'w');
    const result = spawnSync(bin!, args, { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      'CliError 1: could not write to standard output (ENOSPC: no space left on device, write); send it where it can be written\nafter\n',
    );
  });

  it('lets a command say so with its own code, in one line, when standard output cannot be written', () => {
    const dir = makePlatform();
    const run = (...args: string[]) => {
      const full = openSync('/dev/full', 'w');
      const result = spawnSync(process.execPath, [builtBin('pipeline'), ...args], {
        cwd: dir,
        env: binEnv(),
        encoding: 'utf8',
        stdio: ['ignore', full, 'pipe'],
      });
      closeSync(full);
      return result;
    };
    // Its output cannot be written: exit 1, and no internal error.
    const listed = run('list');
    expect(listed.status).toBe(1);
    expect(listed.stderr).toBe(
      'pipeline: error: could not write to standard output (ENOSPC: no space left on device, write); send it where it can be written\n',
    );
    // Bad input with --json: its own code (2) and message; the JSON line is dropped.
    const bad = run('list', '--json', '--pipeline', 'nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^pipeline: error: --pipeline nope matches no pipeline[^\n]*\n$/);
  });

  it('goes through process.stdout once it is open, after what it printed before and what the stream still holds', () => {
    // A megabyte through the stream: more than a pipe holds, so part of it waits in the stream.
    const [bin, ...args] = node("print('a'); process.stdout.write('b'.repeat(1 << 20)); print('c'); printError('d');");
    const result = spawnSync(bin!, args, { cwd: packageRoot(), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`a${'b'.repeat(1 << 20)}c`);
    expect(result.stderr).toBe('d');
  });
});
