// What a command prints. While no stream is open on standard output (or error), a write goes to
// the file descriptor at once: for a pipe or a terminal, process.stdout is a socket, and opening it
// (node:net and the streams it is made of) cost a tenth of a generation's CPU for a few lines. Once
// a stream is open on it (a prompt at the terminal, a command's progress line that asks isTTY),
// writes go through the stream, so that they stay in order. On Windows, always through the stream
// (it writes a console's Unicode).
import { writeSync } from 'node:fs';
import { CliError, EXIT } from './errors.ts';

const opened = { stdout: process.platform === 'win32', stderr: process.platform === 'win32' };
for (const name of ['stdout', 'stderr'] as const) {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  const get = descriptor?.get;
  if (!get || !descriptor.configurable) opened[name] = true;
  else
    Object.defineProperty(process, name, {
      ...descriptor,
      get() {
        opened[name] = true;
        return get.call(process);
      },
    });
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** A descriptor a write failed on: what is printed to it later is dropped. */
const broken = { stdout: false, stderr: false };

function write(name: 'stdout' | 'stderr', text: string): void {
  if (broken[name]) return;
  if (opened[name]) {
    process[name].write(text);
    return;
  }
  const fd = name === 'stdout' ? 1 : 2;
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A full pipe its reader has not emptied yet (one another process made non-blocking): wait.
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      broken[name] = true;
      // Its reader is gone (`| head -1`), or there is none: nothing more to print. Standard error
      // failing leaves nowhere to say so.
      if (code === 'EPIPE' || code === 'EBADF' || name === 'stderr') return;
      // A full disk (`> /dev/full`), an I/O error: said in one line (exit 1), not as a bug.
      throw new CliError(
        `could not write to standard output (${(error as Error).message}); send it where it can be written`,
        EXIT.failure,
      );
    }
  }
}

/** Prints `text` on standard output. */
export const print = (text: string): void => write('stdout', text);

/** Prints `text` on standard error. */
export const printError = (text: string): void => write('stderr', text);

/** Resolves once what went through process.stdout's stream is written (a pipe's is asynchronous): at once when none did. */
export const flushed = (): Promise<void> =>
  opened.stdout ? new Promise((resolve) => process.stdout.write('', () => resolve())) : Promise.resolve();
