// A job without an owner tag: nobody is paged when it fails, and the platform cannot say whose it is.
import type { PipelineRule, RawFinding } from '../types.ts';

const JOB_BUILDERS = new Set(['to_job', 'define_asset_job']);
const isJobDecorator = (callee: string) => /^((dg|dagster)\.)?job$/.test(callee);

export const jobOwner: PipelineRule = {
  id: 'job-owner',
  scope: 'pipeline',
  severity: 'error',
  title: 'A job without an owner tag',
  why: 'Every job carries an `owner` tag (build_jobs sets it from conventions.OWNER): alerts, run queues and the platform team use it to find whom to call.',
  fix: 'build the job with build_jobs (jobs.py), or add tags={"owner": conventions.OWNER, ...} to it',
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      const facts = await pipeline.python(path);
      if (!facts) continue;
      const file = `${pipeline.rel}/${path}`;
      for (const call of facts.calls) {
        if (!JOB_BUILDERS.has(call.name) && !isJobDecorator(call.callee)) continue;
        const tags = call.kwargs.get('tags');
        if (tags && (!tags.dictKeys || tags.dictKeys.includes('owner'))) continue; // a variable: cannot tell statically
        const name = call.kwargs.get('name')?.str ?? call.decorates ?? call.callee;
        findings.push({
          file,
          line: tags?.line ?? call.line,
          message: `job ${JSON.stringify(name)} has no owner tag${tags ? ' (its tags have no "owner" key)' : ''}`,
        });
      }
      for (const d of facts.bareDecorators.filter((d) => isJobDecorator(d.callee))) {
        findings.push({
          file,
          line: d.line,
          message: `job ${JSON.stringify(d.decorates)} has no owner tag (@${d.callee} without tags)`,
        });
      }
      const owner = facts.assignments.get('OWNER');
      if (path.endsWith('/conventions.py') && owner && owner.str === '')
        findings.push({
          file,
          line: owner.line,
          message: 'conventions.OWNER is empty: every job of this pipeline is tagged owner=""',
        });
    }
    return findings;
  },
};
