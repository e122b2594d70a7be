// Whether a question may be asked: the rule every command follows (flag, else prompt, else default).

/**
 * Prompts only with a person at a terminal, and never in CI. Asked of the file descriptors:
 * `process.stdin` would open a stream on standard input (2 ms of a generation) to answer it; and
 * node:tty (which loads node:net) loads only when there is no CI to say no first.
 */
export const canPrompt = (): boolean => {
  if (process.env.CI) return false;
  const { isatty } = process.getBuiltinModule('node:tty');
  return isatty(0) && isatty(1);
};
