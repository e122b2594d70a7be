// Writes the generated parts of docs/ (the command references). Run with `npm run docs`.
import { writeFileSync } from 'node:fs';
import { createPipelineReference, pipelineReferences } from '../src/cli/reference.ts';

const pages: Record<string, string> = { 'create-pipeline.md': createPipelineReference(), ...pipelineReferences() };
for (const [file, text] of Object.entries(pages)) {
  writeFileSync(new URL(`../docs/reference/${file}`, import.meta.url), text);
  console.log(`wrote docs/reference/${file}`);
}
