// Commands a lab accepts and keeps but does not simulate (`speed 100`, `ntp server`, `router
// ospf 1` and its lines), declared by family: each is real grammar (help, abbreviation, a typo
// is `% Invalid input` with the caret), is stored as the arguments its syntax bound, renders
// back from them in running-config, and carries its family's reason for `config check
// --warnings`. A family lists its commands in IOS's running-config order.
//
// Where the lines live follows the mode's context: a kept block's own store (its path from
// `model.kept`), an interface's, a terminal line's, or the global one. Lines of one command
// replace each other unless the command keeps several (`network …`, `ntp server …`), told
// apart by a key; objects keep insertion order, so several lines render in the order given.

import { command, type ConfigCommand, type ConfigModeId, type ModeCtx, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { KeptBlock, KeptLine, KeptStore } from "../model/kept";
import type { RouterConfig } from "../model/router";
import type { KeptModeId } from "./kept-modes";

export interface KeptSpec {
  readonly id: string;
  readonly syntax: string;
  readonly help: readonly string[];
  /** Syntax of the `no` form; by default the command's. */
  readonly noSyntax?: string;
  /** What `no` does: keep the negated line (`no cdp enable`, for what is on by default), or
   * remove the line (the default). */
  readonly no?: "store" | "remove";
  /** Several lines of the command are kept, one per key (the whole line when `true`). */
  readonly multi?: true | ((a: ArgRecord) => string);
  /** The kept sub-mode the command opens (`router ospf 1`, `class-map X`). */
  readonly enters?: KeptModeId;
  readonly hidden?: boolean;
  /** IOS's default is on: the positive form removes the line, `no` keeps `no …`. */
  readonly defaultOn?: true;
  /** Position among the lines of its block (when the family's sequence does not fit). */
  readonly order?: number;
  /** The reason when it differs from the family's (a command that works elsewhere). */
  readonly inert?: string;
}

export interface KeptFamily {
  /** What `config check --warnings` groups it under: "interface hardware", "AAA/RADIUS". */
  readonly family: string;
  /** Why a lab ignores these. */
  readonly inert: string;
  readonly mode: ConfigModeId | readonly ConfigModeId[];
  /** Running-config position of the first command; the next ones follow it. In a top-level
   * family, lines in different fifties are set apart by `!`. */
  readonly order: number;
  readonly commands: readonly KeptSpec[];
}

function newStore(): KeptStore {
  return { lines: {}, blocks: {} };
}

/** BGP's modes: their contexts tell `router bgp` (no `bgpAf`) from the configuration mode
 * only by the mode a command is declared in. */
const BGP_MODES: readonly ConfigModeId[] = ["router-bgp", "router-bgp-af"];

/** The store of the object a mode's context is about; created when `create` is set. `inBgp`:
 * the command lives under `router bgp`, where the process or its address family keeps it. */
function storeOf(m: RouterConfig, ctx: ModeCtx, create: boolean, inBgp = false): KeptStore | undefined {
  if ("kept" in ctx) {
    let store: KeptStore | undefined = m.kept;
    for (const key of ctx.kept) store = store?.blocks[key];
    if (!store) throw new Error(`kept block ${ctx.kept.join(" / ")} vanished`);
    return store;
  }
  if ("interface" in ctx) {
    const i = m.interfaces[ctx.interface];
    if (!i) throw new Error(`interface ${ctx.interface} vanished`);
    if (i.kept === undefined && create) i.kept = newStore();
    return i.kept;
  }
  if ("line" in ctx) {
    const l = m.lines[ctx.line];
    if (!l) throw new Error(`line ${ctx.line} vanished`);
    if (l.kept === undefined && create) l.kept = newStore();
    return l.kept;
  }
  if ("routeMap" in ctx) {
    const e = m.routeMaps[ctx.routeMap]?.find((x) => x.seq === ctx.seq);
    if (!e) throw new Error(`route-map ${ctx.routeMap} ${ctx.seq} vanished`);
    if (e.kept === undefined && create) e.kept = newStore();
    return e.kept;
  }
  if (inBgp) {
    const bgp = m.bgp;
    if (!bgp) throw new Error("router bgp vanished");
    const af = "bgpAf" in ctx && ctx.bgpAf !== undefined ? bgp.addressFamilies[ctx.bgpAf] : undefined;
    const holder: { kept?: KeptStore } = af ?? bgp;
    if (holder.kept === undefined && create) holder.kept = newStore();
    return holder.kept;
  }
  if (m.kept === undefined && create) m.kept = newStore();
  return m.kept;
}

/** The key a line is kept under. */
function keyOf(spec: KeptSpec, a: ArgRecord): string {
  if (spec.multi === undefined) return spec.id;
  if (spec.multi === true) return `${spec.id} ${JSON.stringify(a)}`;
  return `${spec.id} ${spec.multi(a)}`;
}

function keptCommand(family: KeptFamily, spec: KeptSpec, order: number): ConfigCommand {
  const inert = spec.inert ?? family.inert;
  const modes: readonly ConfigModeId[] = typeof family.mode === "string" ? [family.mode] : family.mode;
  const inBgp = modes.some((x) => BGP_MODES.includes(x));
  if (inBgp && !modes.every((x) => BGP_MODES.includes(x))) throw new Error(`kept family ${family.family} mixes BGP and other modes`);
  if (spec.enters) {
    const enters = spec.enters;
    return command<string, string, ConfigModeId, KeptModeId>({
      id: spec.id,
      mode: family.mode,
      syntax: spec.syntax,
      help: spec.help,
      order,
      inert,
      family: family.family,
      hidden: spec.hidden,
      enters,
      apply: (m, a, c) => {
        const store = storeOf(m, c, true, inBgp);
        if (!store) throw new Error(`no store for ${spec.id}`);
        const key = keyOf(spec, a);
        const block: KeptBlock = store.blocks[key] ?? { command: spec.id, args: a, lines: {}, blocks: {} };
        block.args = a;
        store.blocks[key] = block;
        const path = "kept" in c ? c.kept : [];
        return { ctx: { kept: [...path, key] } };
      },
      no: {
        syntax: spec.noSyntax,
        apply: (m, a, c) => {
          const store = storeOf(m, c, false, inBgp);
          if (store) delete store.blocks[keyOf(spec, a)];
        },
      },
      render: (m, c): RenderItem<{ readonly kept: readonly string[] }>[] => {
        const store = storeOf(m, c, false, inBgp);
        if (!store) return [];
        const path = "kept" in c ? c.kept : [];
        const out: RenderItem<{ readonly kept: readonly string[] }>[] = [];
        for (const [key, b] of Object.entries(store.blocks)) if (b.command === spec.id) out.push({ args: b.args, child: { kept: [...path, key] } });
        return out;
      },
    });
  }
  return command<string, string, ConfigModeId>({
    id: spec.id,
    mode: family.mode,
    syntax: spec.syntax,
    help: spec.help,
    order,
    inert,
    family: family.family,
    hidden: spec.hidden,
    apply: (m, a, c) => {
      if (spec.defaultOn) {
        const store = storeOf(m, c, false, inBgp);
        if (store) delete store.lines[keyOf(spec, a)];
        return;
      }
      const store = storeOf(m, c, true, inBgp);
      if (!store) throw new Error(`no store for ${spec.id}`);
      store.lines[keyOf(spec, a)] = { command: spec.id, no: false, args: a };
    },
    no: {
      syntax: spec.noSyntax,
      apply: (m, a, c) => {
        const key = keyOf(spec, a);
        if (spec.no === "store" || spec.defaultOn) {
          const store = storeOf(m, c, true, inBgp);
          if (store) store.lines[key] = { command: spec.id, no: true, args: a };
          return;
        }
        const store = storeOf(m, c, false, inBgp);
        if (!store) return;
        if (key in store.lines) delete store.lines[key];
        else if (spec.multi !== undefined) {
          // `no ntp server 10.0.0.1` removes `ntp server 10.0.0.1 prefer`: the line whose
          // arguments include every one the no form gave.
          for (const [k, line] of Object.entries(store.lines)) if (line.command === spec.id && covers(line.args, a)) delete store.lines[k];
        }
      },
    },
    render: (m, c) => {
      const store = storeOf(m, c, false, inBgp);
      if (!store) return [];
      const out: RenderItem[] = [];
      for (const line of Object.values<KeptLine>(store.lines)) if (line.command === spec.id) out.push({ args: line.args, no: line.no });
      return out;
    },
  });
}

function covers(whole: ArgRecord, part: ArgRecord): boolean {
  for (const [k, v] of Object.entries(part)) if (v !== undefined && JSON.stringify(whole[k]) !== JSON.stringify(v)) return false;
  return true;
}

/** The declarations of a family, ordered as listed. */
export function keptFamily(family: KeptFamily): ConfigCommand[] {
  return family.commands.map((spec, i) => keptCommand(family, spec, spec.order ?? family.order + i * 0.01));
}
