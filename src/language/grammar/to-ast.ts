// CST -> AST: a visitor that turns chevrotain's concrete syntax tree into Statements with
// source spans, then attaches comments (kept in their own lexer group) to the statements
// around them so `unet fmt` can print them back.
import type { CstNode, IToken } from 'chevrotain';
import type { SourceFile, Span, Statement, Value } from '../ast.ts';
import { parser } from './parser.ts';

const BaseVisitor = parser.getBaseCstVisitorConstructor();

type Children = Record<string, (CstNode | IToken)[] | undefined>;

export function tokenSpan(file: string, first: IToken, last: IToken = first): Span {
  return {
    file,
    line: first.startLine ?? 1,
    column: first.startColumn ?? 1,
    endLine: last.endLine ?? first.startLine ?? 1,
    endColumn: (last.endColumn ?? first.startColumn ?? 0) + 1,
  };
}

interface Located {
  statement: Statement;
  start: number;
  /** Offset of the closing brace of a block statement. */
  close: number | null;
  children: Located[];
}

class ToAst extends BaseVisitor {
  constructor(private readonly fileName: string) {
    super();
    this.validateVisitor();
  }

  file(ctx: Children): Located[] {
    return this.visit(ctx.body![0] as CstNode) as Located[];
  }

  body(ctx: Children): Located[] {
    return ((ctx.statement ?? []) as CstNode[])
      .map((node) => this.visit(node) as Located | null)
      .filter((s): s is Located => s !== null)
      .sort((a, b) => a.start - b.start);
  }

  statement(ctx: Children): Located | null {
    const key = (ctx.key ?? [])[0] as IToken | undefined;
    // Recovery can leave a statement without its key; there is nothing to keep then.
    if (!key || key.isInsertedInRecovery || Number.isNaN(key.startOffset)) return null;
    const values = ((ctx.value ?? []) as CstNode[]).map((node) => this.visit(node) as Value | null).filter((v): v is Value => v !== null);
    const blockNode = (ctx.block ?? [])[0] as CstNode | undefined;
    const block = blockNode ? (this.visit(blockNode) as { children: Located[]; close: IToken | null }) : null;
    const lastToken = lastRealToken([key, ...tokensOf(ctx.value as CstNode[] | undefined), ...(block?.close ? [block.close] : [])]);
    const statement: Statement = {
      key: key.image,
      keySpan: tokenSpan(this.fileName, key),
      values,
      block: block ? block.children.map((c) => c.statement) : null,
      span: tokenSpan(this.fileName, key, lastToken),
      comments: [],
      leadLine: key.startLine ?? 0,
      trailingComment: null,
      endComments: [],
    };
    return { statement, start: key.startOffset, close: block?.close ? block.close.startOffset : null, children: block?.children ?? [] };
  }

  block(ctx: Children): { children: Located[]; close: IToken | null } {
    const close = (ctx.RCurly ?? [])[0] as IToken | undefined;
    const valid = close && !close.isInsertedInRecovery && !Number.isNaN(close.startOffset);
    return { children: this.visit(ctx.body![0] as CstNode) as Located[], close: valid ? close : null };
  }

  value(ctx: Children): Value | null {
    const token = Object.values(ctx).flat()[0] as IToken | undefined;
    if (!token || token.isInsertedInRecovery || Number.isNaN(token.startOffset)) return null;
    const span = tokenSpan(this.fileName, token);
    const text = token.image;
    switch (token.tokenType.name) {
      case 'NumberLiteral':
        return { kind: 'number', value: Number(text), text, span };
      case 'Dims':
        return { kind: 'dims', value: text.split(/[ \t]*x[ \t]*/).map((p) => (p === '?' ? null : Number(p))), text, span };
      case 'StringLiteral':
      case 'MisquotedString': // reported by parseSource; read as the string it was meant to be
        return { kind: 'string', value: text.slice(1, -1), text, span };
      case 'Question':
        return { kind: 'unknown', value: null, text, span };
      default:
        return { kind: 'name', value: text, text, span };
    }
  }
}

function tokensOf(nodes: CstNode[] | undefined): IToken[] {
  return (nodes ?? []).flatMap((n) => Object.values(n.children).flat() as IToken[]);
}

function lastRealToken(tokens: IToken[]): IToken {
  const real = tokens.filter((t) => !t.isInsertedInRecovery && !Number.isNaN(t.startOffset));
  return real.reduce((a, b) => (b.startOffset > a.startOffset ? b : a));
}

const commentText = (token: IToken) => token.image.replace(/^#\s?/, '').trimEnd();

/** Puts each comment where `unet fmt` should print it again. */
function attachComments(top: Located[], comments: IToken[], fileEnd: string[]): void {
  for (const comment of comments) {
    attach(comment, top, Infinity, fileEnd);
  }
}

function attach(comment: IToken, siblings: Located[], close: number, endComments: string[]): void {
  const at = comment.startOffset;
  for (const s of siblings) {
    const onSameLine = s.statement.span.endLine === comment.startLine && s.start < at;
    if (s.close !== null && s.start < at && at < s.close) {
      attach(comment, s.children, s.close, s.statement.endComments);
      return;
    }
    if (onSameLine && (s.close === null || s.close < at)) {
      s.statement.trailingComment = commentText(comment);
      return;
    }
    if (s.start > at) {
      if (s.statement.comments.length === 0) s.statement.leadLine = comment.startLine ?? s.statement.leadLine;
      s.statement.comments.push(commentText(comment));
      return;
    }
  }
  if (at < close) endComments.push(commentText(comment));
}

export function toAst(cst: CstNode, file: string, text: string, comments: IToken[]): SourceFile {
  const top = new ToAst(file).visit(cst) as Located[];
  const endComments: string[] = [];
  attachComments(top, comments, endComments);
  return { file, text, statements: top.map((l) => l.statement), endComments };
}
