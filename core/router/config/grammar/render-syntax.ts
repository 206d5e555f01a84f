// Prints a command line back from its syntax and a set of bound arguments: the inverse of
// matching. Keywords print as declared; optional parts print when they bind a value that is
// present; `(a|b)$x` prints the keyword x names. This is how running-config comes from the
// same declaration that parses the command.

import { namesIn, type SyntaxNode } from "./syntax";
import { formatValue, type ArgValue, type Token } from "./tokens";
import type { ArgRecord } from "./args";

function boundCount(node: SyntaxNode, args: ArgRecord): number {
  let n = 0;
  for (const name of namesIn(node)) if (args[name] !== undefined) n++;
  return n;
}

function binds(node: SyntaxNode, args: ArgRecord): boolean {
  for (const n of namesIn(node)) if (args[n] !== undefined) return true;
  return false;
}

/** Whether a bound value has the JS type the token binds, to pick `A.B.C.D` or `WORD` in `(A.B.C.D|WORD)$x`. */
function valueFits(t: Token, v: ArgValue): boolean {
  switch (t.type) {
    case "ipv4":
    case "netmask":
    case "range":
    case "asn":
    case "mac":
      return typeof v === "number";
    case "prefix":
      return typeof v === "object" && !Array.isArray(v);
    default:
      return typeof v === "string";
  }
}

function present(v: ArgValue | undefined): v is ArgValue {
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

function render(node: SyntaxNode, args: ArgRecord): string[] | undefined {
  switch (node.kind) {
    case "token": {
      const t = node.token;
      if (t.type === "keyword") {
        if (node.name === undefined) return [t.word];
        const v = args[node.name];
        return typeof v === "string" && v.toLowerCase() === t.word.toLowerCase() ? [t.word] : undefined;
      }
      if (node.name === undefined) return undefined;
      const v = args[node.name];
      if (!present(v)) return undefined;
      if (t.type === "interface" || t.type === "line" || t.type === "hexdata") return [String(v)];
      return [formatValue(t, v)];
    }
    case "seq": {
      const out: string[] = [];
      for (const item of node.items) {
        const r = render(item, args);
        if (r === undefined) return undefined;
        out.push(...r);
      }
      return out;
    }
    case "alt": {
      if (node.name !== undefined) {
        const v = args[node.name];
        if (!present(v)) return undefined;
        if (Array.isArray(v)) {
          const out: string[] = [];
          for (const item of v) {
            const r = render({ ...node, repeat: false }, { ...args, [node.name]: item });
            if (r === undefined) return undefined;
            out.push(...r);
          }
          return out;
        }
        for (const o of node.options) {
          if (o.kind === "token" && o.token.type === "keyword" && typeof v === "string" && o.token.word.toLowerCase() === v.toLowerCase()) return [o.token.word];
        }
        for (const o of node.options) {
          if (o.kind === "token" && o.token.type !== "keyword" && valueFits(o.token, v)) return [o.token.type === "interface" ? String(v) : formatValue(o.token, v)];
        }
        return undefined;
      }
      // The option that uses the most of the bound values: `(A.B.C.D|INTERFACE [A.B.C.D])`
      // with both an interface and a next hop is the second one.
      const bound = node.options.filter((o) => binds(o, args)).sort((x, y) => boundCount(y, args) - boundCount(x, args));
      for (const o of bound) {
        const r = render(o, args);
        if (r !== undefined) return r;
      }
      if (node.name !== undefined) return undefined;
      for (const o of node.options) {
        if (namesIn(o).size > 0) continue;
        const r = render(o, args);
        if (r !== undefined) return r;
      }
      return undefined;
    }
    case "opt": {
      for (const o of node.options) {
        if (!binds(o, args)) continue;
        const r = render(o, args);
        if (r !== undefined) return r;
      }
      return [];
    }
    case "bag": {
      const out: string[] = [];
      for (const o of node.options) {
        if (!binds(o, args)) continue;
        const r = render(o, args);
        if (r !== undefined) out.push(...r);
      }
      return out;
    }
  }
}

/** The command text for `args`, or undefined when they do not satisfy the syntax. */
export function renderSyntax(ast: SyntaxNode, args: ArgRecord): string | undefined {
  const words = render(ast, args);
  return words?.join(" ");
}
