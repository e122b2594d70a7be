// Why: from conventions v3 the dev and prod modes really run against S3 (or an S3-compatible
// endpoint): S3Store reads its endpoint and region from the environment, keeps one boto3 client,
// and checks its bucket when a run starts instead of failing halfway through the first op. So
// storage.py's S3Store changes, modes.py's docstring names the variables, and boto3 becomes a
// runtime dependency of every pipeline (it was only imported lazily before).
//
// storage.py and modes.py are platform-owned, but they are not re-rendered from templates/: a
// codemod must keep producing v3 whatever the templates say later, and a team may have edited
// another part of the file. Instead each change is an ast-grep edit of one node (the module
// docstring, the `import dagster` statement, S3Store's docstring, its `_client` method), made only
// when that node is still exactly what conventions v1/v2 generated, so on an unmodified file the
// result is byte for byte the v3 template's. A node a team changed is left alone, with a
// `# TODO(pipeline upgrade)` comment and a line in the report.
import type { Edit, SgNode } from '@ast-grep/napi';
import type { FileTree } from '../../tree/file-tree.ts';
import type { Codemod, CodemodContext } from '../codemod.ts';
import { editPython } from '../engines/python.ts';
import { docstringEdit } from '../engines/python-docstring.ts';
import { PYPROJECT } from './v3-dg-project.ts';
import { insertItem, joinLines, requirementName, section, splitLines, stringArray } from './v3-toml-lines.ts';

const BOTO3 = 'boto3>=1.28';
const TODO = '# TODO(pipeline upgrade): conventions v3';

const STORAGE_DOC_OLD =
  '- ``S3Store``      (modes dev and prod): an S3 bucket and prefix; credentials come from the AWS chain.';
const STORAGE_DOC_NEW = [
  '- ``S3Store``      (modes dev and prod): an S3 bucket and prefix; endpoint, region and credentials',
  "                    come from the environment (boto3's own variables and chain).",
].join('\n');

const CLASS_DOC_OLD = '"""An S3 bucket and prefix. boto3 is imported on first use, so loading never needs AWS."""';
const CLASS_DOC_NEW = `"""An S3 bucket and prefix (modes dev and prod), through boto3.

    boto3 reads everything else from the environment, as every AWS tool does: the endpoint
    (\`\`AWS_ENDPOINT_URL\`\`, for an S3-compatible service), the region (\`\`AWS_REGION\`\` or
    \`\`AWS_DEFAULT_REGION\`\`) and the credentials (\`\`AWS_ACCESS_KEY_ID\`\`/\`\`AWS_SECRET_ACCESS_KEY\`\`,
    a profile, or the task's role). boto3 is imported when a run or sensor starts, so loading the
    code location never needs it.
    """`;

const CLIENT_OLD = `def _client(self):
        import boto3  # only needed when a dev or prod run actually reads or writes

        return boto3.client("s3")`;
const MEMBERS_NEW = `_s3: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Fail at start, with the bucket's name, rather than halfway through the first op.
        try:
            self._client().head_bucket(Bucket=self.bucket)
        except Exception as error:
            if getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
                return  # the bucket answered; a role may read and write its prefix without listing the bucket
            raise dg.Failure(
                f"cannot reach {self.describe()}: {error}; check the bucket variable, AWS_ENDPOINT_URL, "
                "the region and the credentials in this process's environment"
            ) from error`;
const CLIENT_NEW = `def _client(self) -> Any:
        if self._s3 is None:
            import boto3

            # AWS_REGION (set by ECS and most AWS tools) first; boto3 itself reads AWS_DEFAULT_REGION.
            self._s3 = boto3.client("s3", region_name=os.environ.get("AWS_REGION") or None)
        return self._s3`;

const MODES_DOC_OLD = [
  "- dev:     the dev account's bucket.",
  '- prod:    the production bucket.',
  'Secrets and endpoints come from the environment only.',
].join('\n');
const MODES_DOC_NEW = [
  "- dev:     the dev account's bucket ($PIPELINE_DEV_BUCKET), under the prefix ``<pipeline>/``.",
  '- prod:    the production bucket ($PIPELINE_PROD_BUCKET), under the same prefix.',
  "Secrets and endpoints come from the environment only: dev and prod also read boto3's own",
  'variables (AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, ...).',
].join('\n');

const hasTodo = (node: SgNode): boolean => node.prev()?.kind() === 'comment' && node.prev()!.text().startsWith(TODO);

/** S3Store's docstring and `_client`, and the PrivateAttr import they need. */
function s3StoreClass(root: SgNode, ctx: CodemodContext, path: string): Edit[] {
  const store = root.find({ rule: { kind: 'class_definition', has: { field: 'name', regex: '^S3Store$' } } });
  if (!store) return [];
  const body = store.field('body');
  if (!body) return [];
  const edits: Edit[] = [];
  const docNode = body.children().find((c) => c.kind() === 'expression_statement');
  if (docNode?.text() === CLASS_DOC_OLD) edits.push(docNode.replace(CLASS_DOC_NEW));
  const client = body
    .children()
    .find((c) => c.kind() === 'function_definition' && c.field('name')?.text() === '_client');
  const done = body
    .children()
    .some((c) => c.kind() === 'function_definition' && c.field('name')?.text() === 'setup_for_execution');
  if (client && !done) {
    if (client.text() === CLIENT_OLD) {
      // The new members go before `_client` and the comments right above it, which stay with it.
      let first = client;
      while (
        first.prev()?.kind() === 'comment' &&
        first.prev()!.range().end.line === first.range().start.line - 1 &&
        first.prev()!.range().start.column === client.range().start.column
      )
        first = first.prev()!;
      if (first === client) edits.push(client.replace(`${MEMBERS_NEW}\n\n    ${CLIENT_NEW}`));
      else edits.push(first.replace(`${MEMBERS_NEW}\n\n    ${first.text()}`), client.replace(CLIENT_NEW));
      edits.push(...privateAttrImport(root, ctx, path));
    } else if (!hasTodo(client)) {
      ctx.todo(
        `${path}: S3Store._client is not the one conventions v2 generated; make it read AWS_REGION, keep one client and check the bucket in setup_for_execution by hand (see a new pipeline's storage.py)`,
      );
      edits.push(
        client.replace(
          `${TODO}: S3Store should keep one boto3 client (region from AWS_REGION) and check its bucket in setup_for_execution; see a new pipeline's storage.py\n    ${client.text()}`,
        ),
      );
    }
  }
  return edits;
}

/** `from pydantic import PrivateAttr` after `import dagster as dg`. */
function privateAttrImport(root: SgNode, ctx: CodemodContext, path: string): Edit[] {
  if (
    root.find({
      rule: {
        kind: 'import_from_statement',
        all: [
          { has: { field: 'module_name', regex: '^pydantic$' } },
          { has: { field: 'name', regex: '^PrivateAttr$' } },
        ],
      },
    })
  )
    return [];
  const dagster = root.find({ rule: { kind: 'import_statement', regex: '^import dagster as dg$' } });
  if (!dagster) {
    ctx.todo(
      `${path}: no "import dagster as dg" to put "from pydantic import PrivateAttr" after; add that import by hand`,
    );
    return [];
  }
  // After a comment that ends its line, too.
  const next = dagster.next();
  const anchor =
    next && next.kind() === 'comment' && next.range().start.line === dagster.range().end.line ? next : dagster;
  return [anchor.replace(`${anchor.text()}\nfrom pydantic import PrivateAttr`)];
}

/** `boto3>=1.28` in [project] dependencies, right after the dagster pin. */
function boto3Dependency(tree: FileTree, ctx: CodemodContext): number {
  const source = tree.read(PYPROJECT);
  if (source === undefined) return 0;
  const lines = splitLines(source);
  const project = section(lines, 'project');
  const deps = project && stringArray(lines, project, 'dependencies');
  if (!deps) {
    ctx.todo(`${PYPROJECT} has no [project] dependencies list; add "${BOTO3}" by hand`);
    return 0;
  }
  if (deps.items.some((i) => requirementName(i.value) === 'boto3')) return 0;
  insertItem(lines, deps, BOTO3, (v) => requirementName(v) === 'dagster');
  tree.write(PYPROJECT, joinLines(lines));
  return 1;
}

export const s3Store: Codemod = {
  id: 'v3-s3-store',
  version: 3,
  description:
    'S3Store reads its endpoint and region from the environment and checks its bucket at start; boto3 is a dependency',
  async run(tree, ctx) {
    const dir = `src/${ctx.pipeline}`;
    let changes = 0;
    const storage = `${dir}/storage.py`;
    changes += await editPython(tree, storage, (root) => [
      ...docstringEdit(root, STORAGE_DOC_OLD, STORAGE_DOC_NEW),
      ...s3StoreClass(root, ctx, storage),
    ]);
    changes += await editPython(tree, `${dir}/modes.py`, (root) => docstringEdit(root, MODES_DOC_OLD, MODES_DOC_NEW));
    if (tree.exists(storage)) changes += boto3Dependency(tree, ctx);
    return changes;
  },
};
