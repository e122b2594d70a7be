import { describe, expect, it } from 'vitest';
import { pyBlock, pyDocstring, pyLiteral, pyString, tomlString } from '../../src/render/literals.ts';
import { PYTHON, run } from '../helpers/python.ts';

const NASTY = [
  'plain',
  'say "hi"',
  "it's",
  'back\\slash',
  'new\nline',
  'tab\there',
  '{{ handlebars }}',
  '"""triple"""',
  'unicode é ✓ \u2028 sep',
  'nul-ish \x01 \x7f',
  '\\"\\n',
];

/** Evaluates Python expressions with the real interpreter and returns their values. */
function pythonEval(expressions: string[]): unknown[] {
  const program = `import json, sys\nvalues = [${expressions.join(',\n')}]\nprint(json.dumps(values))`;
  const result = run(PYTHON, ['-c', program], process.cwd());
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

describe('values written into generated Python', () => {
  it('round-trips every awkward string through a real Python interpreter', () => {
    expect(pythonEval(NASTY.map(pyString))).toEqual(NASTY);
  });

  it('turns nested config into the same Python value, on one line or over several', () => {
    const config = {
      ops: { load: { config: { table: 'raw/"x".csv', limit: 0, on: true, none: null, tags: ['a', 'b'] } } },
    };
    const [flat, block] = pythonEval([pyLiteral(config), pyBlock(config, 12, 40)]);
    expect(flat).toEqual(config);
    expect(block).toEqual(config);
    expect(pyBlock(config, 12, 40).split('\n').length).toBeGreaterThan(3);
  });

  it('writes docstrings that Python reads back as the text', () => {
    expect(pythonEval(NASTY.map((s) => pyDocstring(s)))).toEqual(NASTY.map((s) => s.trim()));
  });
});

describe('values written into TOML', () => {
  it('escapes quotes, backslashes and newlines', () => {
    const program = `import tomllib, json\nprint(json.dumps(tomllib.loads(${pyString(NASTY.map((s, i) => `k${i} = ${tomlString(s)}`).join('\n'))})))`;
    const result = run(PYTHON, ['-c', program], process.cwd());
    expect(result.stderr).toBe('');
    expect(Object.values(JSON.parse(result.stdout))).toEqual(NASTY);
  });
});
