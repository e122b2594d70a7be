// The `pipeline` command: everything after day one. scripts/build.mjs bundles this module into one
// script, dist/pipeline.cjs, which the bin (pipeline.ts) compiles with a V8 code cache. Each command
// is its own module, evaluated only when it runs, so one command never pays for another's
// dependencies.
import { EXIT, InputError } from '../errors.ts';
import { type Importer, useImporter } from '../import-at-run-time.ts';
import { print, printError } from '../output.ts';
import { cliVersion } from '../paths.ts';
import { runAtEdge } from './edge.ts';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: (argv: string[]) => Promise<number | void> }>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  new: {
    summary: 'Add a pipeline (the same as create-pipeline; see pipeline new --help)',
    load: () => import('../commands/new.ts'),
  },
  upgrade: {
    summary: 'Upgrade pipelines to the current conventions with versioned codemods (see pipeline upgrade --help)',
    load: () => import('../commands/upgrade.ts'),
  },
  codemod: {
    summary: "The platform's own codemods: new, test, list (see pipeline codemod --help)",
    load: () => import('../commands/codemod.ts'),
  },
  sync: {
    summary:
      'Write the files derived from pipelines/*/: dg.toml, docker-compose.yaml, the compose workspace (see pipeline sync --help)',
    load: () => import('../commands/sync.ts'),
  },
  resolve: {
    summary: "Resolve a merge's conflicts in the files pipeline add records and renders (see pipeline resolve --help)",
    load: () => import('../commands/resolve.ts'),
  },
  add: {
    summary:
      "Add a schedule, preset, sensor, job, resource, mode or deployment to a pipeline, or run your platform's own generators (see pipeline add --help)",
    load: () => import('../commands/add.ts'),
  },
  check: {
    summary:
      'Check every pipeline against the conventions: rule, file:line, the fix; for CI too (see pipeline check --help)',
    load: () => import('../commands/check.ts'),
  },
  list: {
    summary:
      'List the pipelines: owner, template, conventions version, what each deployment loads (see pipeline list --help)',
    load: () => import('../commands/list.ts'),
  },
  sandbox: {
    summary:
      'An isolated copy per git branch: init, up, status, list, diff, run, commit, promote, refresh, down, prune, ui (see pipeline sandbox --help)',
    load: () => import('../commands/sandbox.ts'),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return [
    'Usage: pipeline <command> [options]',
    '',
    'Keeps the Dagster pipelines of a platform repo aligned with its conventions.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'Options:',
    "  --help, -h     Show this help (or a command's: pipeline <command> --help, or pipeline help <command>)",
    '  --version, -v  Print the version',
    '',
  ].join('\n');
}

/** `importer`: the bin's own import(), for modules only known at run time (a platform's codemods). */
export function main(argv: string[], importer: Importer): Promise<never> {
  useImporter(importer);
  return runAtEdge('pipeline', argv.includes('--json'), async () => {
    const [first, ...rest] = argv;
    // Asked for, the help is the output (stdout, exit 0); without a command, it is the usage error's
    // message (stderr, exit 2), so a script's stdout stays empty.
    if (first === undefined) {
      printError(`${help()}\n`);
      return EXIT.usage;
    }
    // `pipeline help list` is `pipeline list --help`, as git and npm read it.
    if (first === 'help' && rest[0] && COMMANDS[rest[0]]) return (await COMMANDS[rest[0]].load()).run(['--help']);
    if (first === '--help' || first === '-h' || first === 'help') return void print(`${help()}\n`);
    if (first === '--version' || first === '-v') return void print(`${cliVersion()}\n`);
    const command = COMMANDS[first];
    if (!command)
      throw new InputError(
        `unknown command ${JSON.stringify(first)}; run pipeline --help for the list (${Object.keys(COMMANDS).join(', ')})`,
      );
    return (await command.load()).run(rest);
  });
}

/** An upgrade worker thread (src/upgrade/pool.ts starts the bin as one). */
export const worker = async (importer: Importer): Promise<void> => {
  useImporter(importer);
  (await import('../upgrade/worker.ts')).startWorker();
};
