// Syntax strings, FRR style: `ip route [vrf WORD$vrf] A.B.C.D$prefix NETMASK$mask
// (A.B.C.D$nexthop|INTERFACE$interface [A.B.C.D$nexthop]) [<1-255>$distance]`.
//   (a|b)    one of            [a|b]   optional          {a|b}   any of them, any order, each once
//   X$name   binds the value   (a|b)$n binds which keyword was chosen      X...  one or more
// Each token takes the next help string, in the order tokens appear in the string.

import { tokenFromSpelling, type Token } from "./tokens";

export type SyntaxNode =
  | { readonly kind: "token"; readonly token: Token; readonly name?: string; readonly help: string; readonly repeat: boolean }
  | { readonly kind: "seq"; readonly items: readonly SyntaxNode[] }
  | { readonly kind: "alt"; readonly options: readonly SyntaxNode[]; readonly name?: string; readonly repeat?: boolean }
  | { readonly kind: "opt"; readonly options: readonly SyntaxNode[] }
  | { readonly kind: "bag"; readonly options: readonly SyntaxNode[] };

export class SyntaxError extends Error {}

interface Lexeme {
  readonly text: string;
  readonly name?: string;
  readonly repeat: boolean;
}

function lex(syntax: string): Lexeme[] {
  const out: Lexeme[] = [];
  const re = /\s*(?:([()[\]{}|])|(<[^>]*>|[^\s()[\]{}|$]+))(?:\$([A-Za-z_][A-Za-z0-9_]*))?(\.\.\.)?/y;
  let pos = 0;
  while (pos < syntax.length) {
    if (/^\s*$/.test(syntax.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(syntax);
    if (!m) throw new SyntaxError(`bad syntax at ${pos}: ${syntax}`);
    let text = m[1] ?? m[2];
    let repeat = m[4] !== undefined;
    if (text.endsWith("...")) {
      text = text.slice(0, -3);
      repeat = true;
    }
    out.push({ text, name: m[3], repeat });
    pos = re.lastIndex;
  }
  return out;
}

/** Supplies help for a token when the help is not a list (a `no` form borrows its help from
 * the positive form's tokens). */
export type HelpLookup = (spelling: string, name: string | undefined) => string;

/** Parses a syntax string, taking one help string per token from `help`. */
export function parseSyntax(syntax: string, help: readonly string[] | HelpLookup): SyntaxNode {
  const lexemes = lex(syntax);
  let i = 0;
  let h = 0;

  function seq(closers: string): SyntaxNode {
    const items: SyntaxNode[] = [];
    while (i < lexemes.length && !closers.includes(lexemes[i].text) && lexemes[i].text !== "|") items.push(item());
    return items.length === 1 ? items[0] : { kind: "seq", items };
  }

  function options(close: string): SyntaxNode[] {
    const opts: SyntaxNode[] = [seq(close)];
    while (i < lexemes.length && lexemes[i].text === "|") {
      i++;
      opts.push(seq(close));
    }
    if (lexemes[i]?.text !== close) throw new SyntaxError(`missing '${close}' in: ${syntax}`);
    return opts;
  }

  function item(): SyntaxNode {
    const lx = lexemes[i++];
    switch (lx.text) {
      case "(": {
        const opts = options(")");
        const close = lexemes[i++];
        if (close.name !== undefined) {
          for (const o of opts) if (o.kind !== "token") throw new SyntaxError(`named group options must be single tokens: ${syntax}`);
          return { kind: "alt", options: opts, name: close.name, repeat: close.repeat };
        }
        if (close.repeat) throw new SyntaxError(`only a named group may repeat: ${syntax}`);
        return { kind: "alt", options: opts };
      }
      case "[": {
        const opts = options("]");
        i++;
        return { kind: "opt", options: opts };
      }
      case "{": {
        const opts = options("}");
        i++;
        return { kind: "bag", options: opts };
      }
      default: {
        const token = tokenFromSpelling(lx.text);
        let text: string;
        if (typeof help === "function") text = help(lx.text, lx.name);
        else {
          if (h >= help.length) throw new SyntaxError(`not enough help strings for: ${syntax}`);
          text = help[h++];
        }
        return { kind: "token", token, name: lx.name, help: text, repeat: lx.repeat };
      }
    }
  }

  const root = seq("");
  if (i !== lexemes.length) throw new SyntaxError(`unbalanced syntax: ${syntax}`);
  if (typeof help !== "function" && h !== help.length) throw new SyntaxError(`${help.length} help strings for ${h} tokens: ${syntax}`);
  return root;
}

/** The argument names a node can bind. */
export function namesIn(node: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const visit = (n: SyntaxNode): void => {
    switch (n.kind) {
      case "token":
        if (n.name) out.add(n.name);
        break;
      case "seq":
        n.items.forEach(visit);
        break;
      case "alt":
        if (n.name) out.add(n.name);
        n.options.forEach(visit);
        break;
      case "opt":
      case "bag":
        n.options.forEach(visit);
        break;
    }
  };
  visit(node);
  return out;
}

/** Every token in order of appearance, for looking up help by spelling. */
export function tokensIn(node: SyntaxNode): Extract<SyntaxNode, { kind: "token" }>[] {
  switch (node.kind) {
    case "token":
      return [node];
    case "seq":
      return node.items.flatMap(tokensIn);
    default:
      return node.options.flatMap(tokensIn);
  }
}
