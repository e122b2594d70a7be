// pipeline resolve's three-way merge of recorded answers, over generated answers (fast-check): what
// one branch changed is taken, each branch's additions to a list or a mapping are kept, the same
// value changed two ways is a conflict; and whatever strings the answers hold, the merged file reads
// back as the merged answers (a YAML document edited in place, comments kept).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { mergeAnswers } from '../../src/resolve/merge-answers.ts';
import { answersText } from '../../src/resolve/resolve.ts';
import { acmePlatform } from '../helpers/platform.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const seeded = `(seed ${SEED}; replay with FUZZ_SEED=${SEED})`;
const platform = acmePlatform();

/** Any text a user may put in an answer: unicode, quotes, colons, newlines, YAML's own words. */
const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('yes', 'null', '- x', '#', "'", '"', 'a: b'));
const answers = fc.record({
  description: text,
  owner: text,
  deployments: fc.uniqueArray(fc.constantFrom('local', 'compose', 'dev', 'prod', 'sandbox'), { maxLength: 5 }),
  modes: fc.dictionary(fc.constantFrom('staging', 'qa', 'perf'), fc.constantFrom('dev', 'prod', 'local')),
});

describe('mergeAnswers', () => {
  it(`takes what one branch changed, and one branch's change merged with itself is that change ${seeded}`, () => {
    fc.assert(
      fc.property(answers, answers, (base, changed) => {
        expect(mergeAnswers(base, base, changed)).toEqual({ answers: changed });
        expect(mergeAnswers(base, changed, base)).toEqual({ answers: changed });
        expect(mergeAnswers(base, changed, changed)).toEqual({ answers: changed });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it(`keeps both branches' additions to deployments and modes ${seeded}`, () => {
    fc.assert(
      fc.property(answers, fc.constantFrom('dev', 'prod'), fc.constantFrom('qa', 'perf'), (base, deployment, mode) => {
        const was = { ...base, deployments: base.deployments.filter((d) => d !== deployment) as string[] };
        const ours = { ...was, deployments: [...was.deployments, deployment] };
        const theirs = { ...was, deployments: [...was.deployments, 'uat'], modes: { ...was.modes, [mode]: 'prod' } };
        const merged = mergeAnswers(was, ours, theirs);
        expect(merged).toEqual({
          answers: { ...was, deployments: [...was.deployments, deployment, 'uat'], modes: theirs.modes },
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('names a value both branches changed, each its own way, with both values', () => {
    const base = { description: 'Orders.', deployments: ['local'] };
    expect(mergeAnswers(base, { ...base, description: 'Invoices.' }, { ...base, description: 'Payments.' })).toEqual({
      conflicts: [{ key: 'description', ours: 'Invoices.', theirs: 'Payments.' }],
    });
    expect(mergeAnswers({ modes: { qa: 'dev' } }, { modes: { qa: 'prod' } }, { modes: { qa: 'local' } })).toEqual({
      conflicts: [{ key: 'modes.qa', ours: 'prod', theirs: 'local' }],
    });
  });

  it('takes the later of two CLI releases', () => {
    expect(mergeAnswers({ _cli_version: '0.9.0' }, { _cli_version: '0.10.0' }, { _cli_version: '0.9.3' })).toEqual({
      answers: { _cli_version: '0.10.0' },
    });
  });
});

describe('answersText', () => {
  it(`writes merged answers that read back as themselves, whatever their strings, comments kept ${seeded}`, () => {
    fc.assert(
      fc.property(answers, answers, (ours, merged) => {
        const header = '# Recorded by create-pipeline: do not edit by hand.\n';
        const written = answersText(header + stringify(ours), structuredClone(merged), platform);
        expect(written.startsWith(header)).toBe(true);
        const known = platform.deployments.map((d) => d.name);
        expect(parse(written)).toEqual({
          ...merged,
          deployments: [...merged.deployments].sort((a, b) => known.indexOf(a) - known.indexOf(b)),
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
