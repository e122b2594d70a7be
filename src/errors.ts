// One root for every error a user can cause. The CLI edge prints `message` on one line and exits
// with `exitCode`; anything else that escapes is a bug and is printed with its stack.

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input: a flag, an answer or a file the user controls. Exit code 2. */
export class InputError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'InputError';
  }
}

/** The platform config (platform.yaml) fails its schema: names the key and why. Exit code 2. */
export class ConfigError extends CliError {
  constructor(file: string, key: string, why: string) {
    super(`${file}: ${key}: ${why}`, EXIT.usage);
    this.name = 'ConfigError';
  }
}

/** The repository is in a state we must not touch (dirty tree, existing files). Exit code 2. */
export class StateError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'StateError';
  }
}

/**
 * The first line of what a thrown value says: an Error's message, else the value itself. Code of a
 * platform team's own (a codemod, a plopfile) may throw anything: a string, `null`, `undefined`.
 */
export function thrownMessage(error: unknown): string {
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : `${describeValue(error)} (thrown, not an Error)`;
  return text.split('\n')[0]!;
}

/** A value as text, even one String() cannot convert (an object without a prototype). */
function describeValue(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
