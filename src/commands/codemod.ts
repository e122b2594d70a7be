import { commandRoot } from '../conventions/platform-config.ts';
import { CliError, EXIT, InputError } from '../errors.ts';
import { CWD_FLAG, type GlobalFlag, HELP_FLAG, parseCommandArgs, renderHelp } from '../options/flags.ts';
import { print, printError } from '../output.ts';
import { newCodemod, testCodemods } from '../upgrade/codemod-scaffold.ts';
import { allCodemods } from '../upgrade/runner.ts';
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
  { flag: 'json', type: 'boolean', help: 'list: print the codemods as JSON (id, version, description, source)' },
  CWD_FLAG,
  HELP_FLAG,
];

export const codemodHelp = () =>
  renderHelp(
    'pipeline codemod <new ID|test [ID]|list> [options]',
    'A platform\'s own codemods live in codemods/ of the platform repo: one module each, registered in\ncodemods/index.ts, with fixture folders (input/, expected/) in codemods/__fixtures__/<id>/.\n`pipeline upgrade` runs them with the built-in ones, ordered by version.\n\n  new ID     write codemods/ID.ts and its fixtures folder, and register it in codemods/index.ts\n  test [ID]  run the fixture cases of one codemod, or of all\n  list       list every codemod, built-in and the platform\'s\n\nExamples:\n  npx pipeline codemod new add-team-tag --description "Tag every job with its owning team"\n  npx pipeline codemod test add-team-tag         # its fixture cases: input/ becomes expected/, twice\n  npx pipeline codemod list --json',
    [{ title: 'Options', flags: FLAGS }],
  );

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, [], FLAGS, 'pipeline codemod');
  const [sub, id, ...extra] = positionals;
  if (values.help) {
    print(`${codemodHelp()}\n`);
    return EXIT.ok;
  }
  // Without a command: the usage where an error goes, so a script reading stdout takes none of it.
  if (!sub) {
    printError(`${codemodHelp()}\n`);
    return EXIT.usage;
  }
  if (extra.length) throw new InputError(`unexpected ${extra.join(' ')}; see pipeline codemod --help`);
  const root = commandRoot(values.cwd as string | undefined, 'pipeline codemod', 'in your platform repo');
  switch (sub) {
    case 'new':
      if (!id) throw new InputError('pipeline codemod new needs an id: pipeline codemod new add-team-tag');
      print(`${await newCodemod(root, id, values)}\n`);
      return EXIT.ok;
    case 'test': {
      const { text, failed } = await testCodemods(root, id);
      print(`${text}\n`);
      return failed ? EXIT.failure : EXIT.ok;
    }
    case 'list':
      print(`${listCodemods(await allCodemods(root), values.json === true)}\n`);
      return EXIT.ok;
    default:
      throw new CliError(`unknown codemod command ${JSON.stringify(sub)}; use new, test or list`, EXIT.usage);
  }
}
