// Prints types/index.d.ts, the types a platform's own codemods import, from src/public.ts: each
// declaration that module exports, and each one those name in turn, copied from the source with
// its doc comments; a type of another package stays a reference to it (import('yaml').Document).
// `npm run build` runs it (tsx scripts/public-types.ts); test/unit/public-types.test.ts fails when
// the committed file differs from what it prints.
//
// What it copies: interfaces as written; a type alias as written, or, when it names values
// (typeof), as the type the compiler computes; `Pick<SomeClass, 'a' | 'b'>` as an interface of
// those members; `typeof OBJECT` (an object literal of functions, as the engines are) as an
// interface of their signatures. Anything else is an error naming the declaration.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'src', 'public.ts');
export const PUBLIC_TYPES_FILE = join(ROOT, 'types', 'index.d.ts');

const HEADER = '// Generated from src/public.ts by scripts/public-types.ts (npm run build); do not edit by hand.';

interface Edit {
  start: number;
  end: number;
  text: string;
}

export function publicTypes(): string {
  const program = ts.createProgram([ENTRY], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(ENTRY)!;
  const resolve = (symbol: ts.Symbol): ts.Symbol =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  /** The name each declaration has in the output; the ones still to print, in order. */
  const names = new Map<ts.Symbol, string>();
  const taken = new Map<string, ts.Symbol>();
  const queue: ts.Symbol[] = [];
  const name = (symbol: ts.Symbol, as: string) => {
    const other = taken.get(as);
    if (other && other !== symbol)
      throw new Error(`public types: two declarations named ${as}; export one under another name in src/public.ts`);
    taken.set(as, symbol);
    names.set(symbol, as);
  };

  // 1. The public names, in the order of src/public.ts.
  const order: (ts.Symbol | string)[] = [];
  for (const statement of entry.statements) {
    if (ts.isTypeAliasDeclaration(statement) && hasExport(statement)) {
      const symbol = checker.getSymbolAtLocation(statement.name)!;
      name(symbol, statement.name.text);
      const picked = pickOf(statement.type);
      // References to the class it picks from are references to it.
      if (picked) names.set(resolve(checker.getSymbolAtLocation(picked.from)!), statement.name.text);
      order.push(symbol);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      const module = (statement.moduleSpecifier as ts.StringLiteral).text;
      for (const element of statement.exportClause.elements) {
        const target = resolve(checker.getSymbolAtLocation(element.name)!);
        name(target, element.name.text);
        if (module.startsWith('.')) order.push(target);
        else
          order.push(
            `${jsDoc(statement, '')}export type ${element.name.text} = import('${module}').${(element.propertyName ?? element.name).getText()};\n`,
          );
      }
    } else if (!ts.isImportDeclaration(statement)) {
      throw new Error(
        `public types: src/public.ts may hold only imports, export type { ... } from and exported type aliases (found: ${statement.getText().split('\n')[0]})`,
      );
    }
  }
  queue.push(...order.filter((o) => typeof o !== 'string'));

  /** The name a type reference gets in the output: queued when it is this project's. */
  const referenceTo = (symbol: ts.Symbol): string | undefined => {
    const target = resolve(symbol);
    if (target.flags & ts.SymbolFlags.TypeParameter) return undefined;
    const known = names.get(target);
    if (known) return known;
    const file = target.declarations?.[0]?.getSourceFile();
    if (!file || program.isSourceFileDefaultLibrary(file) || file.fileName.includes('/typescript/lib/'))
      return undefined;
    const modules = file.fileName.split('/node_modules/');
    if (modules.length > 1) {
      const parts = modules.at(-1)!.split('/');
      const pkg = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
      return `import('${pkg.replace(/^@types\//, '')}').${target.name}`;
    }
    name(target, target.name);
    queue.push(target);
    return target.name;
  };

  /** A node's text with every type reference renamed as in the output. */
  const rewrite = (node: ts.Node, extra: Edit[] = []): string => {
    const edits = [...extra];
    const visit = (n: ts.Node): void => {
      if (ts.isTypeQueryNode(n))
        throw new Error(`public types: ${n.getText()} in ${where(n)} names a value; give it a type of its own`);
      if (
        ts.isImportTypeNode(n) &&
        ts.isLiteralTypeNode(n.argument) &&
        ts.isStringLiteral(n.argument.literal) &&
        n.argument.literal.text.startsWith('.')
      ) {
        throw new Error(`public types: ${n.getText()} in ${where(n)}: import the type instead`);
      }
      const reference = ts.isTypeReferenceNode(n)
        ? n.typeName
        : ts.isExpressionWithTypeArguments(n)
          ? n.expression
          : undefined;
      if (reference) {
        const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(reference) ? reference.right : reference);
        const renamed = symbol && referenceTo(symbol);
        if (renamed && renamed !== reference.getText())
          edits.push({ start: reference.getStart(), end: reference.getEnd(), text: renamed });
        (n as ts.TypeReferenceNode | ts.ExpressionWithTypeArguments).typeArguments?.forEach(visit);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    let text = node.getText();
    const base = node.getStart();
    for (const e of edits.sort((a, b) => b.start - a.start))
      text = text.slice(0, e.start - base) + e.text + text.slice(e.end - base);
    return text;
  };

  const signature = (fn: ts.SignatureDeclaration, member: string, indent: string): string => {
    if (!fn.type) throw new Error(`public types: ${where(fn)} has no return type; write one`);
    const params = fn.parameters.map((p) => {
      if (p.type) return `${p.name.getText()}${p.questionToken || p.initializer ? '?' : ''}: ${rewrite(p.type)}`;
      if (p.initializer)
        return `${p.name.getText()}?: ${checker.typeToString(checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(p)))}`;
      throw new Error(`public types: parameter ${p.name.getText()} of ${where(fn)} has no type`);
    });
    return `${jsDoc(fn, indent)}${indent}${member}(${params.join(', ')}): ${rewrite(fn.type)};\n`;
  };

  /** `typeof OBJECT`: an object literal of functions (and of such objects), as their signatures. */
  const objectType = (object: ts.ObjectLiteralExpression, indent: string): string => {
    const lines = object.properties.map((p) => {
      const key = p.name!.getText();
      if (ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.initializer))
        return `${jsDoc(p, indent)}${indent}${key}: ${objectType(p.initializer, `${indent}  `)};\n`;
      const symbol = ts.isShorthandPropertyAssignment(p)
        ? checker.getShorthandAssignmentValueSymbol(p)
        : ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer)
          ? checker.getSymbolAtLocation(p.initializer)
          : undefined;
      const fn = symbol && resolve(symbol).declarations?.find(ts.isFunctionDeclaration);
      if (!fn)
        throw new Error(`public types: ${key} of ${where(object)} is neither a function nor an object of functions`);
      return signature(fn, key, indent);
    });
    return `{\n${lines.join('')}${indent.slice(2)}}`;
  };

  /** `Pick<SomeClass, 'a' | 'b'>`: those members of the class, as an interface's. */
  const pickedMembers = (pick: Picked): string => {
    const source = resolve(checker.getSymbolAtLocation(pick.from)!).declarations![0]!;
    const picked = checker.getTypeFromTypeNode(pick.keys);
    const keys = new Set(
      (picked.isUnion() ? picked.types : [picked]).map((t) => String((t as ts.StringLiteralType).value)),
    );
    if (!ts.isClassDeclaration(source) && !ts.isInterfaceDeclaration(source))
      throw new Error(`public types: ${pick.node.getText()}: pick from a class or an interface`);
    const members: string[] = [];
    for (const member of source.members) {
      if (ts.isConstructorDeclaration(member)) {
        for (const p of member.parameters) {
          if (!keys.has(p.name.getText()) || !p.type) continue;
          const readonly = p.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : '';
          members.push(`${jsDoc(p, '  ')}  ${readonly}${p.name.getText()}: ${rewrite(p.type)};\n`);
        }
        continue;
      }
      const key = member.name?.getText();
      if (!key || !keys.has(key)) continue;
      if (ts.isMethodDeclaration(member) || ts.isMethodSignature(member)) members.push(signature(member, key, '  '));
      else if ((ts.isPropertyDeclaration(member) || ts.isPropertySignature(member)) && member.type) {
        const readonly = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ? 'readonly ' : '';
        members.push(
          `${jsDoc(member, '  ')}  ${readonly}${key}${member.questionToken ? '?' : ''}: ${rewrite(member.type)};\n`,
        );
      } else throw new Error(`public types: member ${key} of ${where(member)} has no written type`);
    }
    return `{\n${members.join('')}}`;
  };

  const declaration = (symbol: ts.Symbol): string => {
    const as = names.get(symbol)!;
    const decl = symbol.declarations![0]!;
    if (ts.isInterfaceDeclaration(decl)) {
      return `${jsDoc(decl, '')}${hasExport(decl) ? '' : 'export '}${rewrite(decl, [{ start: decl.name.getStart(), end: decl.name.getEnd(), text: as }])}\n`;
    }
    if (ts.isTypeAliasDeclaration(decl)) {
      const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => rewrite(p)).join(', ')}>` : '';
      const picked = pickOf(decl.type);
      if (picked) return `${jsDoc(decl, '')}export interface ${as}${params} ${pickedMembers(picked)}\n`;
      if (ts.isTypeQueryNode(decl.type)) {
        const value = resolve(checker.getSymbolAtLocation(decl.type.exprName)!).valueDeclaration;
        if (
          value &&
          ts.isVariableDeclaration(value) &&
          value.initializer &&
          ts.isObjectLiteralExpression(value.initializer)
        ) {
          return `${jsDoc(decl, '')}export interface ${as}${params} ${objectType(value.initializer, '  ')}\n`;
        }
      }
      let type: string;
      try {
        type = rewrite(decl.type);
      } catch {
        // It names a value (`(typeof MODES)[number]`): the type the compiler computes instead.
        type = checker.typeToString(
          checker.getTypeFromTypeNode(decl.type),
          undefined,
          ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType,
        );
      }
      return `${jsDoc(decl, '')}export type ${as}${params} = ${type};\n`;
    }
    throw new Error(
      `public types: ${as} (${where(decl)}) is neither an interface nor a type alias; export a Pick of it from src/public.ts`,
    );
  };

  const printed = new Map<ts.Symbol, string>();
  for (let i = 0; i < queue.length; i++) printed.set(queue[i]!, declaration(queue[i]!));
  const named = queue
    .slice(order.length - order.filter((o) => typeof o === 'string').length)
    .map((symbol) => printed.get(symbol)!);
  return [
    `${HEADER}\n${leadingComment(entry)}`,
    ...order.map((o) => (typeof o === 'string' ? o : printed.get(o)!)),
    ...(named.length ? [`// Named by the types above.\n\n${named.join('\n')}`] : []),
  ].join('\n');
}

const hasExport = (node: ts.Node) =>
  ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

interface Picked {
  node: ts.TypeReferenceNode;
  /** The name of the class or interface picked from. */
  from: ts.EntityName;
  keys: ts.TypeNode;
}

const pickOf = (type: ts.TypeNode): Picked | undefined => {
  if (!ts.isTypeReferenceNode(type) || type.typeName.getText() !== 'Pick' || type.typeArguments?.length !== 2)
    return undefined;
  const [from, keys] = type.typeArguments;
  return from && keys && ts.isTypeReferenceNode(from) ? { node: type, from: from.typeName, keys } : undefined;
};

const where = (node: ts.Node) => {
  const file = node.getSourceFile();
  return `${file.fileName
    .slice(ROOT.length + 1)
    .split(sep)
    .join('/')}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
};

/** The doc comments right above a node, indented as it will be. */
function jsDoc(node: ts.Node, indent: string): string {
  const text = node.getSourceFile().getFullText();
  const comments = (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []).filter((c) =>
    text.startsWith('/**', c.pos),
  );
  return comments
    .map(
      (c) =>
        `${text
          .slice(c.pos, c.end)
          .split('\n')
          .map((line, i) => (i === 0 ? `${indent}${line.trim()}` : `${indent} ${line.trim()}`))
          .join('\n')}\n`,
    )
    .join('');
}

/** The first paragraph of the entry's header comment. */
function leadingComment(file: ts.SourceFile): string {
  const lines: string[] = [];
  for (const line of file.getFullText().split('\n')) {
    if (line.trim() === '//' || !line.startsWith('//')) break;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

// `--check` (CI, before anything builds): exit 1 when the committed file is not what the source
// gives; without it, write the file when it differs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = publicTypes();
  let before: string | undefined;
  try {
    before = readFileSync(PUBLIC_TYPES_FILE, 'utf8');
  } catch {
    before = undefined;
  }
  if (process.argv.includes('--check')) {
    if (before !== text) {
      console.error('types/index.d.ts is not what src/public.ts gives: run npm run build and commit it');
      process.exit(1);
    }
    console.log('types/index.d.ts is up to date');
  } else {
    // Renamed into place, so that a build running beside this one never copies half a file.
    if (before !== text) {
      writeFileSync(`${PUBLIC_TYPES_FILE}.${process.pid}`, text);
      renameSync(`${PUBLIC_TYPES_FILE}.${process.pid}`, PUBLIC_TYPES_FILE);
    }
    console.log(`${before === text ? 'unchanged' : 'wrote'} types/index.d.ts`);
  }
}
