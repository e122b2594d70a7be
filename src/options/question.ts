// One definition per question drives its flag, its prompt, its default, its validation, the
// --help text and the docs reference. The rule: the flag if given, else a prompt if interactive,
// else the default. A bad answer re-prompts interactively and is a one-line error otherwise.
import { InputError } from '../errors.ts';

export type Answers = Record<string, unknown>;

export interface Choice {
  value: string;
  name?: string;
  description?: string;
}

export interface Question<C> {
  /** Key in the answers object. */
  key: string;
  /** Long flag without dashes, kebab-case. */
  flag: string;
  kind: 'text' | 'select' | 'list' | 'number' | 'confirm';
  /** Placeholder in --help: `--schedule <cron>`. */
  valueName?: string;
  /** One line for --help and the docs. */
  help: string;
  /** The interactive question. */
  message: string;
  choices?: (ctx: C, answers: Answers) => Choice[];
  /** How a default reads in a prompt, when not as String(value). */
  show?: (value: unknown) => string;
  /** The default (already parsed), given the answers so far. */
  default: (ctx: C, answers: Answers) => unknown;
  /** Checks and converts a raw value (from a flag or a prompt); throws InputError with the fix. */
  parse: (raw: string, ctx: C, answers: Answers) => unknown;
  /** Asked only when this holds (and its flag is refused otherwise). */
  when?: (ctx: C, answers: Answers) => boolean;
}

export type AnswerSource = 'flag' | 'prompt' | 'default';

export interface ResolveOptions {
  interactive: boolean;
  /** Flag values by question flag. */
  flags: Record<string, string | undefined>;
}

export interface Resolved {
  answers: Answers;
  sources: Record<string, AnswerSource>;
}

/** Splits a comma-separated flag value. */
export const splitList = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function resolveAnswers<C>(questions: Question<C>[], ctx: C, options: ResolveOptions): Promise<Resolved> {
  const answers: Answers = {};
  const sources: Record<string, AnswerSource> = {};
  for (const q of questions) {
    const raw = options.flags[q.flag];
    if (q.when && !q.when(ctx, answers)) {
      if (raw !== undefined) throw new InputError(`--${q.flag} does not apply here (${q.help.toLowerCase()}); remove it`);
      continue;
    }
    if (raw !== undefined) {
      answers[q.key] = q.parse(raw, ctx, answers);
      sources[q.key] = 'flag';
    } else if (options.interactive) {
      answers[q.key] = await ask(q, ctx, answers);
      sources[q.key] = 'prompt';
    } else {
      answers[q.key] = q.default(ctx, answers);
      sources[q.key] = 'default';
    }
  }
  return { answers, sources };
}

/** A question's default, or undefined for one that has none (its default throws). */
function defaultOrNothing<C>(q: Question<C>, ctx: C, answers: Answers): unknown {
  try {
    return q.default(ctx, answers);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** The prompt for one question; @inquirer/prompts is loaded only when someone is there to answer. */
async function ask<C>(q: Question<C>, ctx: C, answers: Answers): Promise<unknown> {
  const prompts = await import('@inquirer/prompts');
  const fallback = defaultOrNothing(q, ctx, answers);
  const validate = (value: string): true | string => {
    try {
      q.parse(value, ctx, answers);
      return true;
    } catch (error) {
      if (error instanceof InputError) return error.message;
      throw error;
    }
  };
  switch (q.kind) {
    case 'select': {
      const value = await prompts.select({ message: q.message, choices: q.choices!(ctx, answers), default: fallback as string });
      return q.parse(value, ctx, answers);
    }
    case 'list': {
      const chosen = new Set(fallback as string[]);
      const value = await prompts.checkbox({
        message: q.message,
        choices: q.choices!(ctx, answers).map((c) => ({ ...c, checked: chosen.has(c.value) })),
        validate: (items) => validate(items.map((i) => i.value).join(',')),
      });
      return q.parse(value.join(','), ctx, answers);
    }
    case 'confirm': {
      const value = await prompts.confirm({ message: q.message, default: fallback as boolean });
      return value;
    }
    default: {
      const shown = fallback === undefined ? undefined : (q.show ?? String)(fallback);
      const value = await prompts.input({ message: q.message, default: shown, validate });
      return q.parse(value, ctx, answers);
    }
  }
}
