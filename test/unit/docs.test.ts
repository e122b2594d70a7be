import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createPipelineReference } from '../../src/cli/reference.ts';

it('the committed flag reference matches the flags (run npm run docs after changing one)', () => {
  expect(readFileSync(new URL('../../docs/reference/create-pipeline.md', import.meta.url), 'utf8')).toBe(createPipelineReference());
});
