// Writes the generated parts of docs/ (the flag reference). Run with `npm run docs`.
import { writeFileSync } from 'node:fs';
import { createPipelineReference } from '../src/cli/reference.ts';

writeFileSync(new URL('../docs/reference/create-pipeline.md', import.meta.url), createPipelineReference());
console.log('wrote docs/reference/create-pipeline.md');
