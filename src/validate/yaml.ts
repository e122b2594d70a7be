// What YAML 1.1 readers make of a plain (unquoted) scalar. Dagster reads its workspace and instance
// files with PyYAML, a YAML 1.1 reader: `yes`, `on`, `null`, `0b11`, `12:30` or `2024-01-01` unquoted
// are a boolean, null, numbers and a date there, while the yaml package (YAML 1.2) reads strings.
// Names that would read so are refused (names.ts); every other string is quoted when written
// (src/render/literals.ts). The patterns are PyYAML's own, generated into python-names.ts.
import { PYYAML_IMPLICIT } from './python-names.ts';

/** The YAML 1.1 spec's y/n booleans, which PyYAML leaves out but other YAML 1.1 readers apply. */
const YES_NO = /^(?:y|Y|n|N)$/;

/**
 * What a YAML 1.1 reader reads this plain scalar as, when not a string ("bool", "int", "null" ...).
 * As PyYAML does, only the resolvers for the scalar's first character are tried: most names are
 * strings without running (and so compiling, the first time) every resolver's pattern.
 */
export function yaml11Type(value: string): string | undefined {
  if (YES_NO.test(value)) return 'bool';
  const first = value.charAt(0);
  return PYYAML_IMPLICIT.find(([, pattern, firsts]) => firsts.includes(first) && pattern.test(value))?.[0];
}
