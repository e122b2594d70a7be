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

function table(rows: readonly Row[], withPrompt: boolean): string[] {
  const head = withPrompt
    ? ['| flag | what it sets | prompt (with a terminal) |', '|---|---|---|']
    : ['| flag | what it does |', '|---|---|'];
  return [
    ...head,
    ...rows.map((r) => {
      const flag = `\`--${r.flag}${r.valueName ? ` <${r.valueName}>` : ''}\`${r.negatable ? ` / \`--no-${r.flag}\`` : ''}`;
      return withPrompt
        ? `| ${cell(flag)} | ${cell(r.help)} | ${cell(r.message ?? '')} |`
        : `| ${cell(flag)} | ${cell(r.help)} |`;
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

import { KINDS } from '../add/run.ts';
// The `pipeline` commands: each page is the command's own --help text (the same function prints it),
// so a flag, example or subcommand added to a command shows up here when `npm run docs` runs again.
import { addHelp } from '../commands/add.ts';
import { checkHelp } from '../commands/check.ts';
import { codemodHelp } from '../commands/codemod.ts';
import { listHelp } from '../commands/list.ts';
import { resolveHelp } from '../commands/resolve.ts';
import { SANDBOX_SUBCOMMANDS, sandboxHelp } from '../commands/sandbox.ts';
import { syncHelp } from '../commands/sync.ts';
import { upgradeHelp } from '../commands/upgrade.ts';

interface CommandDoc {
  /** What the command is for, in one line (the page's first paragraph). */
  task: string;
  /** The hand-written page that explains it. */
  guide: string;
  /** `--help` of the command, then of each of its parts that has its own (`pipeline add <kind> --help`, `pipeline sandbox <command> --help`). */
  helps: { args: string[]; text: string }[];
}

/** Every `pipeline` command with a page, keyed by its name; `new` is create-pipeline.md. */
export function pipelineCommandDocs(): Record<string, CommandDoc> {
  return {
    add: {
      task: 'Add to an existing pipeline (the kinds are below), as the generator writes it.',
      guide: '../add.md',
      helps: [
        { args: ['add', '--help'], text: addHelp() },
        ...KINDS.map((kind) => ({ args: ['add', kind, '--help'], text: addHelp(kind) })),
      ],
    },
    check: {
      task: 'Check every pipeline against the conventions (the CI gate).',
      guide: '../check.md',
      helps: [{ args: ['check', '--help'], text: checkHelp() }],
    },
    list: {
      task: 'List the pipelines and what each deployment loads.',
      guide: '../check.md',
      helps: [{ args: ['list', '--help'], text: listHelp() }],
    },
    sync: {
      task: 'Write the files derived from pipelines/*/ (dg.toml, Compose, the compose workspace).',
      guide: '../team-flow.md',
      helps: [{ args: ['sync', '--help'], text: syncHelp() }],
    },
    resolve: {
      task: "Resolve a merge's conflicts in the files pipeline add records and renders.",
      guide: '../team-flow.md',
      helps: [{ args: ['resolve', '--help'], text: resolveHelp() }],
    },
    upgrade: {
      task: 'Move pipelines to the current conventions with versioned codemods.',
      guide: '../upgrade.md',
      helps: [{ args: ['upgrade', '--help'], text: upgradeHelp() }],
    },
    sandbox: {
      task: 'An isolated copy of the platform for one git branch.',
      guide: '../sandbox.md',
      helps: [
        { args: ['sandbox', '--help'], text: sandboxHelp() },
        ...SANDBOX_SUBCOMMANDS.map((sub) => ({ args: ['sandbox', sub, '--help'], text: sandboxHelp(sub) })),
      ],
    },
    codemod: {
      task: "Write and test the platform's own codemods.",
      guide: '../upgrade.md',
      helps: [{ args: ['codemod', '--help'], text: codemodHelp() }],
    },
  };
}

/** The reference pages of the `pipeline` commands: file name in docs/reference/ → content. */
export function pipelineReferences(): Record<string, string> {
  const pages: Record<string, string> = {};
  const docs = pipelineCommandDocs();
  for (const [name, doc] of Object.entries(docs)) {
    pages[`pipeline-${name}.md`] = [
      "<!-- Generated from the command's --help by `npm run docs`; do not edit by hand. -->",
      `# \`pipeline ${name}\``,
      '',
      `${doc.task} The guide: [${doc.guide.replace('../', '')}](${doc.guide}).`,
      '',
      ...doc.helps.flatMap((h) => [`## \`pipeline ${h.args.join(' ')}\``, '', '```text', h.text.trimEnd(), '```', '']),
    ].join('\n');
  }
  pages['pipeline.md'] = [
    '<!-- Generated by `npm run docs`; do not edit by hand. -->',
    '# `pipeline` commands',
    '',
    'The `pipeline` bin is for everything after day one; run it from anywhere in the platform repo',
    '(`npx pipeline <command> --help`). Exit codes: 0 done, 1 failed (or findings, for check),',
    '2 bad input or a state the command refuses to touch (nothing is written then).',
    '',
    '| command | what it is for |',
    '|---|---|',
    '| [`pipeline new`](create-pipeline.md) | Add a pipeline: the same as `create-pipeline` and `npm init pipeline`. |',
    ...Object.entries(docs).map(([name, doc]) => `| [\`pipeline ${name}\`](pipeline-${name}.md) | ${cell(doc.task)} |`),
    '',
  ].join('\n');
  return pages;
}
