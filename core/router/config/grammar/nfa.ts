// Compiles a syntax tree into a small NFA (Thompson construction) the matcher walks one word
// at a time. Token nodes consume a word; epsilon nodes only branch. `{a|b}` options are
// guarded so each is taken at most once per path. INTERFACE expands here into "one word"
// (Ethernet0/1) or "type keyword, then number" (Ethernet 0/1), as IOS accepts both.

import { INTERFACE_TYPES, interfaceTypeInfo } from "./interface-name";
import type { SyntaxNode } from "./syntax";
import type { Token } from "./tokens";

export interface TokNode {
  readonly kind: "tok";
  readonly token: Token;
  readonly name?: string;
  readonly help: string;
  /** Not listed by `?` (the one-word interface form); still matches. */
  readonly hidden: boolean;
  /** Binds a list (the token, or its group, may repeat). */
  readonly list: boolean;
  readonly out: readonly number[];
}

export interface EpsNode {
  readonly kind: "eps";
  readonly out: readonly number[];
  /** A `{}` option: the path may take it only if it has not taken it before. */
  readonly once?: number;
}

export interface AcceptNode {
  readonly kind: "accept";
}

export type NfaNode = TokNode | EpsNode | AcceptNode;

export interface Nfa {
  readonly nodes: readonly NfaNode[];
  readonly start: number;
}

interface Frag {
  readonly entry: number;
  readonly exit: number;
}

/** A node while its edges are still being added. */
type Building = NfaNode & { out?: number[] };

/** No edges: shared by every node that has none. */
const NO_EDGES: readonly number[] = Object.freeze([]);

export function compile(root: SyntaxNode): Nfa {
  const nodes: Building[] = [];
  let onceIds = 0;

  const eps = (once?: number): number => {
    nodes.push(once === undefined ? { kind: "eps", out: [] } : { kind: "eps", out: [], once });
    return nodes.length - 1;
  };
  const link = (from: number, to: number): void => {
    const n = nodes[from];
    if (n.out === undefined) throw new Error("cannot link from accept");
    n.out.push(to);
  };

  function tok(token: Token, name: string | undefined, help: string, repeat: boolean, hidden = false, list = repeat): Frag {
    nodes.push({ kind: "tok", token, name, help, hidden, list, out: [] });
    const t = nodes.length - 1;
    const x = eps();
    link(t, x);
    if (repeat) link(x, t);
    return { entry: t, exit: x };
  }

  function alt(frags: Frag[], optional: boolean): Frag {
    const a = eps();
    const z = eps();
    for (const f of frags) {
      link(a, f.entry);
      link(f.exit, z);
    }
    if (optional) link(a, z);
    return { entry: a, exit: z };
  }

  function interfaceFrag(name: string | undefined, help: string): Frag {
    const options: Frag[] = [tok({ type: "ifjoined" }, name, help, false, true)];
    for (const info of INTERFACE_TYPES) {
      const t = tok({ type: "iftype", ifType: info.type }, undefined, interfaceTypeInfo(info.type).help, false);
      const n = tok({ type: "ifnumber", ifType: info.type }, name, `${info.type} interface number`, false);
      link(t.exit, n.entry);
      options.push({ entry: t.entry, exit: n.exit });
    }
    return alt(options, false);
  }

  function build(node: SyntaxNode, groupName?: string, groupList = false): Frag {
    switch (node.kind) {
      case "token": {
        const name = groupName ?? node.name;
        if (node.token.type === "interface") return interfaceFrag(name, node.help);
        return tok(node.token, name, node.help, node.repeat, false, node.repeat || groupList);
      }
      case "seq": {
        if (node.items.length === 0) {
          const e = eps();
          return { entry: e, exit: e };
        }
        const frags = node.items.map((n) => build(n));
        for (let i = 1; i < frags.length; i++) link(frags[i - 1].exit, frags[i].entry);
        return { entry: frags[0].entry, exit: frags[frags.length - 1].exit };
      }
      case "alt": {
        const f = alt(node.options.map((o) => build(o, node.name, node.repeat === true)), false);
        if (node.repeat) link(f.exit, f.entry);
        return f;
      }
      case "opt":
        return alt(node.options.map((o) => build(o)), true);
      case "bag": {
        const hub = eps();
        const z = eps();
        link(hub, z);
        for (const o of node.options) {
          const guard = eps(onceIds++);
          const f = build(o);
          link(hub, guard);
          link(guard, f.entry);
          link(f.exit, hub);
        }
        return { entry: hub, exit: z };
      }
    }
  }

  const frag = build(root);
  nodes.push({ kind: "accept" });
  link(frag.exit, nodes.length - 1);
  // Arrays grown by push keep room for 17 elements; most nodes have one or two edges, and a
  // process holds ~20,000 nodes (every command of every mode), so each list is cut to size.
  for (const n of nodes) if (n.out !== undefined) (n as { out: readonly number[] }).out = n.out.length === 0 ? NO_EDGES : n.out.slice();
  return { nodes, start: frag.entry };
}

/** A position in an NFA: a token or accept node, with the `{}` options already used. */
export interface NfaState {
  readonly node: number;
  readonly used: readonly number[];
}

/** Every token/accept node reachable from `from` through epsilon edges. */
export function closure(nfa: Nfa, from: readonly number[], used: readonly number[]): NfaState[] {
  const out: NfaState[] = [];
  const seen = new Set<string>();
  const visit = (id: number, u: readonly number[]): void => {
    const key = `${id}|${u.join(",")}`;
    if (seen.has(key)) return;
    seen.add(key);
    const n = nfa.nodes[id];
    if (n.kind !== "eps") {
      out.push({ node: id, used: u });
      return;
    }
    let next = u;
    if (n.once !== undefined) {
      if (u.includes(n.once)) return;
      next = [...u, n.once];
    }
    for (const o of n.out) visit(o, next);
  };
  for (const id of from) visit(id, used);
  return out;
}

/** closure() after each token node, cached per NFA and keyed by the `used` array itself:
 * states are immutable and come from this cache, so the same path always hands back the same
 * array, and every line steps through the same few (node, used) pairs. */
const afterCaches = new WeakMap<Nfa, WeakMap<readonly number[], (readonly NfaState[] | undefined)[]>>();

/** The states reachable after token node `node` took a word, on a path that used `used`. */
export function closureAfter(nfa: Nfa, node: number, used: readonly number[]): readonly NfaState[] {
  let byUsed = afterCaches.get(nfa);
  if (byUsed === undefined) afterCaches.set(nfa, (byUsed = new WeakMap()));
  let byNode = byUsed.get(used);
  if (byNode === undefined) byUsed.set(used, (byNode = []));
  let states = byNode[node];
  if (states === undefined) {
    const n = nfa.nodes[node];
    if (n.kind !== "tok") throw new Error(`node ${node} takes no word`);
    states = byNode[node] = closure(nfa, n.out, used);
  }
  return states;
}
