// A real terminal for the CLI: tmux runs it, send-keys types, capture-pane reads the screen.
//
// Every terminal has a tmux server of its own (its own socket in a temporary folder). With one shared
// server, closing the last session makes the server exit, and a session opened in that instant by the
// next test (or by another test file running at the same time) fails with "server exited unexpectedly".
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { waitUntil } from './wait.ts';
import { tempDir } from './workspace.ts';

const open = new Set<Terminal>();
/** Ends every terminal still open (test/setup.ts, after each test file, before its folders go). */
export function closeTerminals(): void {
  for (const terminal of open) terminal.close();
}

export interface Terminal {
  /** Types `keys` (tmux key names, such as `Enter`, `Down` or `C-u`, or plain text). */
  keys(...keys: string[]): void;
  /**
   * Waits until the screen shows `text`, and returns the screen. It returns as soon as the text shows;
   * the limit (10 minutes) is for a screen that will never show it, far beyond what a loaded machine
   * takes to start the CLI, and every 15 s a line says what it is still waiting for.
   */
  waitFor(text: string | RegExp, timeout?: number): Promise<string>;
  /** Ends the terminal and its tmux server; safe to call twice. */
  close(): void;
}

/** Runs `command` with `sh -c` in a new terminal of `width` x `height` characters, in folder `cwd`. */
export function openTerminal(cwd: string, command: string, width = 200, height = 50): Terminal {
  const socket = join(tempDir('tmux-'), 'socket');
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'cli', '-x', String(width), '-y', String(height), '-c', cwd, 'sh', '-c', command);
  const terminal: Terminal = {
    keys: (...keys) => {
      tmux('send-keys', '-t', 'cli', ...keys);
    },
    waitFor: (text, timeout = 600_000) => {
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
          shown = tmux('capture-pane', '-p', '-t', 'cli');
          if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
          if (seconds * 1000 > timeout)
            throw new Error(`waited ${timeout / 1000} s for ${text}; the screen shows:\n${shown}`);
          return undefined;
        },
        lastLine,
      );
    },
    close: () => {
      if (!open.delete(terminal)) return;
      try {
        tmux('kill-server');
      } catch {
        // the server had exited already
      }
    },
  };
  open.add(terminal);
  return terminal;
}
