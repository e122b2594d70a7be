// node:child_process, loaded when first used: a generation that starts no process (--no-branch)
// does not load it, nor node:net behind it (4 ms of a 100 ms start on Node 20).
import type * as ChildProcess from 'node:child_process';

export const childProcess = (): typeof ChildProcess =>
  process.getBuiltinModule('node:child_process') as typeof ChildProcess;
