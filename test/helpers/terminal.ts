// A real terminal for the CLI: tmux runs it, send-keys types, capture-pane reads the screen.
import { execFileSync } from 'node:child_process';

export const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

/**
 * Waits until tmux session `session` shows `text`, and returns the screen. It returns as soon as the
 * text shows; the limit (10 minutes) is for a screen that will never show it, far beyond what a
 * loaded machine takes to start the CLI, and every 15 s a line says what it is still waiting for.
 */
export async function waitForScreen(session: string, text: string | RegExp, timeout = 600_000): Promise<string> {
  const started = Date.now();
  let said = started;
  for (;;) {
    const shown = tmux('capture-pane', '-p', '-t', session);
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() - started > timeout)
      throw new Error(`waited ${timeout / 1000} s for ${text}; the screen shows:\n${shown}`);
    if (Date.now() - said >= 15_000) {
      said = Date.now();
      const last =
        shown
          .split('\n')
          .filter((line) => line.trim())
          .pop() ?? '(empty)';
      console.error(`waiting for ${text} on the terminal (${Math.round((said - started) / 1000)} s so far): ${last}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
