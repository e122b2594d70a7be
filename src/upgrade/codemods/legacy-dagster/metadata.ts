// Metadata: EventMetadataEntry lists (metadata_entries=[...]) become metadata dicts of
// MetadataValue, and EventMetadata.x(...) becomes MetadataValue.x(...).
//
// Before:
//   yield Output(df, metadata_entries=[EventMetadataEntry.text("ok", "status"), EventMetadataEntry.fspath(p)])
// After:
//   yield Output(df, metadata={"status": MetadataValue.text("ok"), "path": MetadataValue.path(p)})
import type { Edit, SgNode } from '@ast-grep/napi';
import { callPiece, dictPiece, fitAt } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { callArgs, lineIndent, listItems, stringValue } from './python-text.ts';

const KINDS: Record<string, string> = {
  text: 'text',
  url: 'url',
  path: 'path',
  fspath: 'path',
  json: 'json',
  md: 'md',
  python_artifact: 'python_artifact',
  float: 'float',
  int: 'int',
  asset: 'asset',
  table: 'table',
  table_schema: 'table_schema',
  pipeline_run: 'dagster_run',
  bool: 'bool',
};
const VALUE_NAMES = [
  'text',
  'url',
  'path',
  'data',
  'md_str',
  'python_artifact',
  'value',
  'asset_key',
  'records',
  'schema',
  'run_id',
];

/** `"label": MetadataValue.kind(value)` for one EventMetadataEntry.kind(value, label) call. */
function entry(item: SgNode, r: ModuleRewrite, dropped: string[] = []): ReturnType<typeof callPiece> | null {
  if (item.kind() !== 'call') return null;
  const fn = item.field('function');
  if (
    fn?.kind() !== 'attribute' ||
    !/^(EventMetadataEntry|dagster\.EventMetadataEntry)$/.test(fn.field('object')!.text())
  )
    return null;
  const kind = KINDS[fn.field('attribute')!.text()];
  if (!kind) return null;
  const args = callArgs(item);
  const positional = args.filter((a) => !a.name);
  const value = args.find((a) => a.name && VALUE_NAMES.includes(a.name)) ?? positional[0];
  let label = args.find((a) => a.name === 'label') ?? (value === positional[0] ? positional[1] : positional[0]);
  const description = args.find((a) => a.name === 'description') ?? positional.find((a) => a !== value && a !== label);
  if (description) dropped.push(description.value.text());
  const rest = args.filter((a) => a !== value && a !== label && a !== description && a.name !== 'label');
  if (!value) return null;
  if (!label && fn.field('attribute')!.text() === 'fspath') {
    // 0.x labelled it with the path's last part (os.path.basename of its normpath): known only for a literal.
    const path = stringValue(value.value);
    if (path === undefined) return null;
    const last = path.replace(/\/+$/, '').split('/').pop() || path;
    return callPiece(`${JSON.stringify(last)}: ${r.ns}MetadataValue.${kind}`, [value.value.text()], r.style);
  }
  if (!label) return null;
  label = label!;
  return callPiece(
    `${label.value.text()}: ${r.ns}MetadataValue.${kind}`,
    [value.value.text(), ...rest.map((a) => a.node.text())],
    r.style,
  );
}

/** A TODO at `node` naming the entries' descriptions that were dropped (MetadataValue has none). */
function descriptionsDropped(r: ModuleRewrite, node: SgNode, dropped: string[]): void {
  if (dropped.length)
    r.todos.add(
      node,
      'EventMetadataEntry descriptions',
      `MetadataValue has no description; these were dropped: ${dropped.map((d) => d.replace(/\s+/g, ' ')).join('; ')}`,
    );
}

export function metadataEdits(r: ModuleRewrite): Edit[] {
  const edits: Edit[] = [];
  if (!/EventMetadataEntry|metadata_entries/.test(r.source)) return edits;
  for (const kw of r.root.findAll({
    rule: { kind: 'keyword_argument', has: { field: 'name', regex: '^metadata_entries$' } },
  })) {
    const list = kw.field('value')!;
    const dropped: string[] = [];
    const entries = list.kind() === 'list' ? listItems(list).map((i) => entry(i, r, dropped)) : [null];
    if (entries.some((e) => e === null)) {
      r.todos.add(kw, 'metadata_entries', 'pass metadata={"label": MetadataValue.text(...), ...} instead');
      continue;
    }
    descriptionsDropped(r, kw, dropped);
    const piece = dictPiece(
      'metadata=',
      entries.map((e) => e!),
      r.style,
    );
    edits.push(kw.replace(fitAt(piece, lineIndent(r.source, kw), r.style, kw.range().start.column)));
  }
  // Any other list made only of entries (what an event_metadata_fn returns) becomes a metadata dict.
  for (const list of r.root.findAll({
    rule: {
      kind: 'list',
      has: { kind: 'call', has: { field: 'function', regex: '^(dagster\\.)?EventMetadataEntry\\.' } },
    },
  })) {
    if (list.parent()?.kind() === 'keyword_argument') continue;
    const items = listItems(list);
    const dropped: string[] = [];
    const entries = items.map((i) => entry(i, r, dropped));
    if (!items.length || entries.some((e) => e === null)) continue;
    descriptionsDropped(r, list, dropped);
    edits.push(
      list.replace(
        fitAt(
          dictPiece(
            '',
            entries.map((e) => e!),
            r.style,
          ),
          lineIndent(r.source, list),
          r.style,
          list.range().start.column,
        ),
      ),
    );
  }
  return edits;
}
