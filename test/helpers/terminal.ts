// A real terminal for the CLI: tmux runs it, send-keys types, capture-pane reads the screen.
import { execFileSync } from 'node:child_process';

export const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

/**
 * Waits until tmux session `session` shows `text`, and returns the screen. Generous: it returns as
 * soon as the text shows, and a loaded machine may take long to start the CLI.
 */
export async function waitForScreen(session: string, text: string | RegExp, timeout = 180_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = tmux('capture-pane', '-p', '-t', session);
    if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; the screen shows:\n${shown}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
