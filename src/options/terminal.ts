// Whether a question may be asked: the rule every command follows (flag, else prompt, else default).

/** Prompts only with a person at a terminal, and never in CI. */
export const canPrompt = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
