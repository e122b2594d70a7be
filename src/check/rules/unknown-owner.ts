// A pipeline owned by a team platform.yaml no longer lists: after a team is removed or renamed,
// its pipelines' jobs keep its name in their owner tag (conventions.OWNER), so alerts and run
// queues route to nobody, and nothing says so.
import { ANSWERS_FILE } from '../../../generators/pipeline/files.ts';
import { yamlLine } from '../model.ts';
import type { PipelineRule } from '../types.ts';

export const unknownOwner: PipelineRule = {
  id: 'unknown-owner',
  scope: 'pipeline',
  severity: 'warning',
  title: "A pipeline is owned by a team platform.yaml's owners do not list",
  why: "A pipeline's owner becomes every job's owner tag (conventions.OWNER), which alerts and run queues route by. A team removed from or renamed in platform.yaml leaves its pipelines tagged with a name nobody answers to.",
  fix: 'give the pipeline an owner platform.yaml lists (the new name of a renamed team)',
  check(pipeline, ctx) {
    const owner = pipeline.answers?.owner;
    const owners = ctx.platform.owners.map((o) => o.name);
    if (typeof owner !== 'string' || owners.includes(owner)) return [];
    return [
      {
        file: `${pipeline.rel}/${ANSWERS_FILE}`,
        line: yamlLine(pipeline.read(ANSWERS_FILE) ?? '', ['owner']),
        message: `${pipeline.name} is owned by ${owner}, which platform.yaml's owners do not list (removed or renamed?): its jobs' owner tag names a team nobody answers to`,
        fix: `in owner: of ${ANSWERS_FILE}, name one of platform.yaml's owners (${owners.join(', ')}); then npx pipeline upgrade --pipeline ${pipeline.name} --allow-dirty renders conventions.py from it`,
      },
    ];
  },
};
