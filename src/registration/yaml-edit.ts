// Format-preserving YAML edits: parse as a Document (comments, order and style kept), change the
// nodes, print it back. Never string-edit YAML.
import { type Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { InputError } from '../errors.ts';

export function editYaml(text: string, file: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) throw new InputError(`${file} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it, then run again`);
  edit(doc);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** The sequence at `path`, created (block style) when missing or null; an error naming the key when it is something else. */
export function seqAt(doc: Document, path: string[], file: string): YAMLSeq {
  const node = doc.getIn(path, true);
  if (node === undefined || node === null || (typeof node === 'object' && 'value' in node && (node as { value: unknown }).value === null)) {
    const seq = new YAMLSeq();
    doc.setIn(path, seq);
    return seq;
  }
  if (!isSeq(node)) throw new InputError(`${file}: ${path.join('.')} must be a list; fix it, then run again`);
  // An empty flow list (`[]`) becomes a block list once it has entries of its own mappings.
  return node;
}

export function mapAt(doc: Document, path: string[], file: string): YAMLMap {
  const node = doc.getIn(path, true);
  if (node === undefined) {
    const map = new YAMLMap();
    doc.setIn(path, map);
    return map;
  }
  if (!isMap(node)) throw new InputError(`${file}: ${path.join('.')} must be a mapping; fix it, then run again`);
  return node;
}
