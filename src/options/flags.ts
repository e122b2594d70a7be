// Command-line parsing (node:util parseArgs): flags come from the question definitions plus the
// global flags of each command. Unknown flags are a one-line error, never ignored.
import { statSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../errors.ts';

export interface GlobalFlag {
  flag: string;
  type: 'boolean' | 'string';
  help: string;
  valueName?: string;
  /** Accepts --no-<flag> too. */
  negatable?: boolean;
  short?: string;
  /** May be given more than once (values collected in a list). */
  multiple?: boolean;
}

/** Flags every command has. */
export const CWD_FLAG: GlobalFlag = {
  flag: 'cwd',
  type: 'string',
  valueName: 'dir',
  help: 'Run as if started in this folder',
};
export const HELP_FLAG: GlobalFlag = { flag: 'help', short: 'h', type: 'boolean', help: 'Show this help' };

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  /** The questions' flags that were given, by flag: what resolveAnswers takes. */
  questionFlags: Record<string, string>;
  positionals: string[];
}

export function parseCommandArgs(
  argv: string[],
  questions: readonly { flag: string; kind?: string }[],
  globals: GlobalFlag[],
  command: string,
): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const q of questions) options[q.flag] = { type: 'string' };
  for (const g of globals)
    options[g.flag] = {
      type: g.type,
      ...(g.short ? { short: g.short } : {}),
      ...(g.multiple ? { multiple: true } : {}),
    };
  try {
    const { values, positionals, tokens } = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
      allowNegative: true,
      tokens: true,
    });
    // A flag that takes one value, given twice: parseArgs keeps the last and drops the first unseen
    // (`--deployments compose --deployments dev` scheduled in dev only).
    const given = new Map<string, string>();
    for (const token of tokens) {
      if (token.kind !== 'option' || options[token.name]?.type !== 'string' || options[token.name]?.multiple) continue;
      const earlier = given.get(token.name);
      if (earlier !== undefined)
        throw new InputError(
          `--${token.name} is given twice (${earlier} and ${token.value ?? ''}); give it once${questions.some((q) => q.flag === token.name && q.kind === 'list') ? `, a list as one value: --${token.name} ${earlier},${token.value ?? ''}` : ''}`,
        );
      given.set(token.name, token.value ?? '');
    }
    for (const [key, value] of Object.entries(values)) {
      const global = globals.find((g) => g.flag === key);
      if (value === false && !global?.negatable)
        throw new InputError(`--no-${key} is not an option; see ${command} --help`);
    }
    if (typeof values.cwd === 'string' && !statSync(values.cwd, { throwIfNoEntry: false })?.isDirectory())
      throw new InputError(`--cwd ${values.cwd}: there is no such folder; pass an existing folder`);
    const questionFlags: Record<string, string> = {};
    for (const q of questions) {
      const value = values[q.flag];
      if (typeof value === 'string') questionFlags[q.flag] = value;
    }
    return { values: values as ParsedArgs['values'], questionFlags, positionals };
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '');
    // `--sla-hours -3`: parseArgs cannot tell a negative value from a flag.
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous\.$/.exec(message);
    if (ambiguous)
      throw new InputError(
        `${ambiguous[1]} is followed by a value starting with "-"; write it as ${ambiguous[1]}=<value>, see ${command} --help`,
      );
    throw new InputError(`${message.replace(/^Unknown option '(.*)'$/, 'unknown option $1')}; see ${command} --help`);
  }
}

/** Help text rendered from the same definitions as the flags and prompts. */
export function renderHelp(
  usage: string,
  intro: string,
  sections: {
    title: string;
    flags: readonly { flag: string; valueName?: string; help: string; negatable?: boolean }[];
  }[],
): string {
  const lines = [`Usage: ${usage}`, '', intro, ''];
  for (const section of sections) {
    lines.push(`${section.title}:`);
    const rows = section.flags.map(
      (f) =>
        [
          `  --${f.flag}${f.negatable ? ` / --no-${f.flag}` : ''}${f.valueName ? ` <${f.valueName}>` : ''}`,
          f.help,
        ] as const,
    );
    const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
    for (const [left, help] of rows)
      lines.push(left.length >= width ? `${left}\n${' '.repeat(width)}${help}` : `${left.padEnd(width)}${help}`);
    lines.push('');
  }
  return lines.join('\n');
}
