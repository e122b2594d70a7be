// Ctrl-C (SIGINT), a closed terminal (SIGHUP) or a polite kill (SIGTERM) while a command writes:
// what it wrote is rolled back before it ends, so no one sees a half-written tree (and its
// temporary files) between this command and the next. Only while a transaction is open: otherwise
// the signal ends the command at once, as usual. A SIGKILL cannot be caught; the next command rolls
// that one back (transaction.ts).
import { constants } from 'node:os';
import { printError } from '../output.ts';

/** An open transaction, as the signal handler sees it. */
export interface Interruptible {
  /** Asynchronous writes are in flight: a rollback now would race them. */
  readonly writing: boolean;
  /** Rolls everything back; returns the paths it could not restore. */
  rollback(): string[];
  /** The command, for the line that says what happened. */
  readonly command: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];

const open = new Set<Interruptible>();
let stopping: StopSignal | undefined;

/** Thrown at the next file of a write in flight when a signal came: the write stops there. */
export class Interrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

function onSignal(signal: StopSignal): void {
  // A second signal while the writes in flight wind down: end now; the next command rolls back.
  if (stopping) process.exit(128 + constants.signals[signal]);
  stopping = signal;
  if (![...open].some((tx) => tx.writing)) stopNow();
}

/** Rolls back every open transaction, says so in one line, then ends by the signal itself. */
function stopNow(): never {
  const signal = stopping!;
  const commands = new Set<string>();
  const failed: string[] = [];
  for (const tx of [...open]) {
    commands.add(tx.command);
    failed.push(...tx.rollback());
  }
  open.clear();
  const what = [...commands].join(', ') || 'the command';
  printError(
    failed.length
      ? `${what}: interrupted (${signal}); rolled back, except ${failed.join(', ')}: restore them with git\n`
      : `${what}: interrupted (${signal}); rolled back, every file is as it was\n`,
  );
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // Ended by the signal, as a shell expects of a process it interrupted; exit 128+n if that fails.
  process.kill(process.pid, signal);
  process.exit(128 + constants.signals[signal]);
}

/** A transaction opened: until it closes, a stopping signal rolls it back first. */
export function guard(tx: Interruptible): void {
  if (open.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  open.add(tx);
}

/** A transaction closed (committed or rolled back). */
export function unguard(tx: Interruptible): void {
  open.delete(tx);
  if (open.size === 0 && !stopping) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Called before each file of a write in flight: throws Interrupted once a signal came. */
export function throwIfInterrupted(): void {
  if (stopping) throw new Interrupted(stopping);
}

/** Called when a write in flight ends, however: when a signal came meanwhile, the command stops here. */
export function writeSettled(): void {
  if (stopping && ![...open].some((tx) => tx.writing)) stopNow();
}
