// A real terminal for the CLI: tmux runs it, send-keys types, capture-pane reads the screen.
import { execFileSync } from 'node:child_process';
import { waitUntil } from './wait.ts';

export const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

/**
 * Waits until tmux session `session` shows `text`, and returns the screen. It returns as soon as the
 * text shows; the limit (10 minutes) is for a screen that will never show it, far beyond what a
 * loaded machine takes to start the CLI, and every 15 s a line says what it is still waiting for.
 */
export function waitForScreen(session: string, text: string | RegExp, timeout = 600_000): Promise<string> {
  let shown = '';
  const lastLine = () =>
    shown
      .split('\n')
      .filter((line) => line.trim())
      .pop() ?? '(empty)';
  return waitUntil(
    `${text} on the terminal`,
    100,
    (seconds) => {
      shown = tmux('capture-pane', '-p', '-t', session);
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
      if (seconds * 1000 > timeout)
        throw new Error(`waited ${timeout / 1000} s for ${text}; the screen shows:\n${shown}`);
      return undefined;
    },
    lastLine,
  );
}
