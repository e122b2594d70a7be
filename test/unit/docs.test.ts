// The generated references are the --help texts: stale pages, a command without a page, or a
// --help without two or three examples fail here (run npm run docs after changing a command).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPipelineReference, pipelineCommandDocs, pipelineReferences } from '../../src/cli/reference.ts';
import { runBin } from '../helpers/cli.ts';
import { tempDir } from '../helpers/workspace.ts';

const REFERENCE = new URL('../../docs/reference/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, REFERENCE), 'utf8');

it('the committed flag reference matches the flags (run npm run docs after changing one)', () => {
  expect(read('create-pipeline.md')).toBe(createPipelineReference());
});

it.each(Object.entries(pipelineReferences()))(
  'the committed docs/reference/%s matches the commands (run npm run docs)',
  (file, text) => {
    expect(read(file), `docs/reference/${file} is stale: run npm run docs`).toBe(text);
  },
);

it('docs/reference/ holds no page the commands no longer have', () => {
  expect(readdirSync(REFERENCE).sort()).toEqual(['create-pipeline.md', ...Object.keys(pipelineReferences())].sort());
});

describe('the built pipeline bin', () => {
  const cwd = tempDir('docs-help-');

  it('has a reference page for every command its --help lists', () => {
    const help = runBin('pipeline', ['--help'], cwd);
    expect(help.code).toBe(0);
    const commands = help.stdout
      .split('Commands:\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0]!);
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((c) => c !== 'new').sort()).toEqual(Object.keys(pipelineCommandDocs()).sort());
  });

  // A command's own --help shows two or three examples; one of its parts (pipeline add schedule) at least one.
  const helps = Object.values(pipelineCommandDocs()).flatMap((doc) =>
    doc.helps.map((help, i) => ({ ...help, least: i === 0 ? 2 : 1 })),
  );
  it.each(helps.map((h) => [h.args.join(' '), h] as const))(
    'pipeline %s prints what its reference page shows, with its examples',
    (_, { args, text, least }) => {
      const result = runBin('pipeline', args, cwd);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${text}\n`);
      const examples = result.stdout.split('Examples:\n')[1]?.split('\n\n')[0]?.split('\n') ?? [];
      expect(examples.length, `pipeline ${args.join(' ')} shows fewer than ${least} examples`).toBeGreaterThanOrEqual(
        least,
      );
      expect(examples.length).toBeLessThanOrEqual(3);
      for (const example of examples) expect(example).toMatch(new RegExp(`^  npx pipeline ${args[0]}( |$)`));
    },
  );
});
