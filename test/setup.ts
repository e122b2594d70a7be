// Runs before every test file (vitest's setupFiles; files share a worker process, isolate: false in
// vitest.config.ts): when the file ends, the terminals its helpers opened are closed, then the
// temporary folders they made are removed (each file's own, not those of the files before it).
import { afterAll } from 'vitest';
import { closeTerminals } from './helpers/terminal.ts';
import { removeTempDirs } from './helpers/workspace.ts';

afterAll(() => {
  closeTerminals();
  removeTempDirs();
});
