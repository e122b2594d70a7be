// Python literals read as values without running them, for the checks that compare what code says
// with what Dagster will check when the code location loads (a preset's run config).
import type { SgNode } from '@ast-grep/napi';
import { stringValue } from './python-strings.ts';

/** What a literal read cannot tell: a name, a call, an f-string. */
export const COMPUTED: unique symbol = Symbol('computed');

/** A float literal with a whole value (`1000.0`): a number JavaScript cannot tell from the int 1000. */
export class PyFloat {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type PyLiteral =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | typeof COMPUTED
  | PyLiteral[]
  | { [key: string]: PyLiteral };

const items = (node: SgNode): SgNode[] => node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');

/**
 * The value of a literal expression: strings, numbers, True/False/None, lists, tuples and dicts of
 * them (a dict only when every key is a plain string and nothing is unpacked into it). What cannot
 * be told without running the code is COMPUTED, where it sits: a dict of one computed value still
 * has its keys. A float with a whole value (`1.0`) is a PyFloat, since JavaScript would read it
 * as the int Dagster refuses where a float is not expected.
 */
export function literalOf(node: SgNode): PyLiteral {
  switch (node.kind()) {
    case 'string':
      return stringValue(node) ?? COMPUTED;
    case 'integer': {
      const value = Number(node.text().replaceAll('_', ''));
      return Number.isSafeInteger(value) ? value : COMPUTED;
    }
    case 'float': {
      const value = Number(node.text().replaceAll('_', ''));
      if (!Number.isFinite(value)) return COMPUTED;
      return Number.isInteger(value) ? new PyFloat(node.text()) : value;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'unary_operator': {
      const operand = node.field('argument');
      const value = operand ? literalOf(operand) : COMPUTED;
      if (node.field('operator')?.text() !== '-') return COMPUTED;
      return typeof value === 'number' ? -value : value instanceof PyFloat ? new PyFloat(`-${value.text}`) : COMPUTED;
    }
    case 'parenthesized_expression': {
      const [inner, ...rest] = items(node);
      return inner && rest.length === 0 ? literalOf(inner) : COMPUTED;
    }
    case 'list':
    case 'tuple':
      return items(node).some((c) => c.kind() === 'list_splat') ? COMPUTED : items(node).map(literalOf);
    case 'dictionary': {
      const value: { [key: string]: PyLiteral } = {};
      for (const item of items(node)) {
        const key = item.kind() === 'pair' ? item.field('key') : undefined;
        const name = key ? stringValue(key) : undefined;
        if (name === undefined) return COMPUTED;
        value[name] = literalOf(item.field('value')!);
      }
      return value;
    }
    default:
      return COMPUTED;
  }
}
