// The docs' flag reference, rendered from the same definitions as --help and the prompts.
// scripts/docs.ts writes it to docs/reference/; a test fails when the committed copy is stale.
import { PIPELINE_QUESTIONS } from '../../generators/pipeline/options.ts';
import { PLATFORM_QUESTIONS } from '../../generators/platform/options.ts';
import { CREATE_FLAGS } from '../commands/new.ts';

interface Row {
  flag: string;
  valueName?: string;
  help: string;
  negatable?: boolean;
  message?: string;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: Row[], withPrompt: boolean): string[] {
  const head = withPrompt ? ['| flag | what it sets | prompt (with a terminal) |', '|---|---|---|'] : ['| flag | what it does |', '|---|---|'];
  return [
    ...head,
    ...rows.map((r) => {
      const flag = `\`--${r.flag}${r.valueName ? ` <${r.valueName}>` : ''}\`${r.negatable ? ` / \`--no-${r.flag}\`` : ''}`;
      return withPrompt ? `| ${cell(flag)} | ${cell(r.help)} | ${cell(r.message ?? '')} |` : `| ${cell(flag)} | ${cell(r.help)} |`;
    }),
  ];
}

export function createPipelineReference(): string {
  return [
    '<!-- Generated from the question definitions by `npm run docs`; do not edit by hand. -->',
    '# `create-pipeline` flags',
    '',
    'Also `npm init pipeline -- <flags>` and `pipeline new <flags>`. Each question is asked only',
    'with a terminal; without one (CI, scripts) a question takes its flag, else its default.',
    '`--name` has no default. Exit codes: 0 done, 1 internal error, 2 bad input or a repository',
    'state the command refuses to touch (nothing is written in that case).',
    '',
    '## Pipeline',
    '',
    ...table(PIPELINE_QUESTIONS, true),
    '',
    '## New platform repo (with `--platform`, or when no platform.yaml is found)',
    '',
    ...table(PLATFORM_QUESTIONS, true),
    '',
    '## Options',
    '',
    ...table(CREATE_FLAGS, false),
    '',
  ].join('\n');
}
