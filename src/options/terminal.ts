// Whether a question may be asked: the rule every command follows (flag, else prompt, else default).
import { isatty } from 'node:tty';

/**
 * Prompts only with a person at a terminal, and never in CI. Asked of the file descriptors:
 * `process.stdin` would open a stream on standard input (2 ms of a generation) to answer it.
 */
export const canPrompt = (): boolean => isatty(0) && isatty(1) && !process.env.CI;
