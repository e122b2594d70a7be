// One definition per question drives its flag, its prompt, its default, its validation, the
// --help text and the docs reference. The rule: the flag if given, else a prompt if interactive,
// else the default. A bad answer re-prompts interactively and is a one-line error otherwise.
import { InputError } from '../errors.ts';

/** Answers whose keys and types nothing declares (a plopfile's prompts, reports, recorded answers). */
export type Answers = Record<string, unknown>;

export interface Choice {
  value: string;
  name?: string;
  description?: string;
}

/**
 * One question. `C`: what it may look at (the platform, the pipeline); `A`: the answers given before
 * it, which its callbacks may read; `K`: its key; `T`: its answer, as `parse` returns it.
 */
export interface Question<C, A = Answers, K extends string = string, T = unknown> {
  /** Key in the answers object. */
  key: K;
  /** Long flag without dashes, kebab-case. */
  flag: string;
  kind: 'text' | 'select' | 'list' | 'number' | 'confirm';
  /** Placeholder in --help: `--schedule <cron>`. */
  valueName?: string;
  /** One line for --help and the docs. */
  help: string;
  /** The interactive question. */
  message: string;
  choices?: (ctx: C, answers: A) => Choice[];
  /** How a default reads in a prompt, when not as String(value). */
  show?: (value: T) => string;
  /** The default (already parsed), given the answers so far. */
  default: (ctx: C, answers: A) => NoInfer<T>;
  /** Checks and converts a raw value (from a flag or a prompt); throws InputError with the fix. */
  parse: (raw: string, ctx: C, answers: A) => T;
  /** Asked only when this holds (and its flag is refused otherwise): its key is then optional. */
  when?: (ctx: C, answers: A) => boolean;
  /**
   * The fix when the flag's value is empty, where parse would take an empty answer (one a person
   * cleared at the prompt) for a choice: from a flag it is more likely a script's unset variable.
   */
  emptyFlag?: string;
}

/** A question of any answers, key and type: what help, flags, docs and the resolver loop over. */
// biome-ignore lint/suspicious/noExplicitAny: any answers and any answer type, by design (the loops over every question)
export type AnyQuestion<C> = Question<C, any, string, any>;

declare const answersType: unique symbol;

/** Questions in the order they are asked; `A` (type only) is the answers they produce. */
export interface Questions<C, A = Answers> extends ReadonlyArray<AnyQuestion<C>> {
  readonly [answersType]?: A;
  /**
   * These questions and one more, asked after them: its callbacks read the answers so far, typed;
   * its key and the type its `parse` returns become one more key of the answers, optional when
   * the question has a `when`.
   */
  ask<K extends string, T>(
    question: Question<C, A, K, T> & { when?: undefined },
  ): Questions<C, Flat<A & { [P in K]: T }>>;
  ask<K extends string, T>(
    question: Question<C, A, K, T> & { when: (ctx: C, answers: A) => boolean },
  ): Questions<C, Flat<A & { [P in K]?: T }>>;
}

/** One object type rather than an intersection (what editors show, and what answers compare equal to). */
type Flat<T> = { [P in keyof T]: T[P] };

/** The answers a list of questions produces: `AnswersOf<typeof PIPELINE_QUESTIONS>`. */
export type AnswersOf<Q> = Q extends Questions<never, infer A> ? A : never;

/**
 * The start of a list of questions, the single source of its answers' type:
 *
 *     export const QUESTIONS = defineQuestions<Ctx>()
 *       .ask({ key: 'name', parse: (raw) => checkName(raw), ... })
 *       .ask({ key: 'owner', default: (_ctx, a) => `${a.name}-team`, ... });
 *     type Answers = AnswersOf<typeof QUESTIONS>; // { name: string; owner: string }
 *
 * A typo in a key, or an answer read as the wrong type, is a compile error.
 */
// biome-ignore lint/complexity/noBannedTypes: {} is the empty answers object that each .ask() intersects with
export function defineQuestions<C>(): Questions<C, {}> {
  // biome-ignore lint/complexity/noBannedTypes: as above
  return questionList<C, {}>([]);
}

/**
 * One question on its own, for lists that share it (`.ask(TRIGGER_PRESET)`): `A` is what it reads of
 * the answers before it, which every list that asks it must have given by then.
 */
// biome-ignore lint/complexity/noBannedTypes: {} is "reads no earlier answer"
export function defineQuestion<C, A = {}>() {
  function define<K extends string, T>(
    question: Question<C, A, K, T> & { when?: undefined },
  ): Question<C, A, K, T> & { when?: undefined };
  function define<K extends string, T>(
    question: Question<C, A, K, T> & { when: (ctx: C, answers: A) => boolean },
  ): Question<C, A, K, T> & { when: (ctx: C, answers: A) => boolean };
  function define(question: AnyQuestion<C>): AnyQuestion<C> {
    return question;
  }
  return define;
}

function questionList<C, A>(items: AnyQuestion<C>[]): Questions<C, A> {
  const list = [...items];
  Object.defineProperty(list, 'ask', {
    enumerable: false,
    value: (question: AnyQuestion<C>) => questionList([...list, question]),
  });
  return list as unknown as Questions<C, A>;
}

export type AnswerSource = 'flag' | 'prompt' | 'default';

export interface ResolveOptions {
  interactive: boolean;
  /** Flag values by question flag. */
  flags: Record<string, string | undefined>;
}

export interface Resolved<A = Answers> {
  answers: A;
  sources: Record<string, AnswerSource>;
}

/** Splits a comma-separated flag value. */
export const splitList = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function resolveAnswers<C, A = Answers>(
  questions: Questions<C, A> | readonly AnyQuestion<C>[],
  ctx: C,
  options: ResolveOptions,
): Promise<Resolved<A>> {
  const answers: Answers = {};
  const sources: Record<string, AnswerSource> = {};
  for (const q of questions) {
    const raw = options.flags[q.flag];
    if (q.when && !q.when(ctx, answers)) {
      if (raw !== undefined)
        throw new InputError(`--${q.flag} does not apply here (${q.help.toLowerCase()}); remove it`);
      continue;
    }
    if (raw !== undefined) {
      if (q.emptyFlag && raw.trim() === '') throw new InputError(`--${q.flag} is empty; ${q.emptyFlag}`);
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
  // Each answer was made by its question's parse or default, in order: what Questions<C, A> says A is.
  return { answers: answers as A, sources };
}

/** A question's default, or undefined for one that has none (its default throws). */
function defaultOrNothing<C>(q: AnyQuestion<C>, ctx: C, answers: Answers): unknown {
  try {
    return q.default(ctx, answers);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
}

/** The prompt for one question; @inquirer/prompts is loaded only when someone is there to answer. */
async function ask<C>(q: AnyQuestion<C>, ctx: C, answers: Answers): Promise<unknown> {
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
      const value = await prompts.select({
        message: q.message,
        choices: q.choices!(ctx, answers),
        default: fallback as string,
      });
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
