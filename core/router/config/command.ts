// A configuration command, declared once: its syntax and help (the grammar), the mode it lives
// in and the one it enters, what it does to the model (and its `no` form), and how the model
// renders back into running-config lines. FRR's DEFPY plus its northbound callbacks, plus the
// running-config writer, in one object.

import type { Args, ArgRecord } from "./grammar/args";
import type { GrammarEntry, ModeId } from "./grammar/engine";
import type { RouterConfig } from "./model/router";

/** Where a sub-mode is: which object its commands change. Each mode fills its own fields and
 * keeps its parent's. */
export interface ModeCtx {
  readonly interface?: string;
  readonly vrf?: string;
  readonly bgpAf?: string;
  readonly routeMap?: string;
  readonly seq?: number;
  readonly trustpoint?: string;
  readonly certMap?: string;
  readonly certChain?: string;
  readonly certSerial?: string;
  readonly certCa?: boolean;
  readonly ikev2Proposal?: string;
  readonly ikev2Policy?: string;
  readonly ikev2Keyring?: string;
  readonly keyringPeer?: string;
  readonly ikev2AuthPolicy?: string;
  readonly ikev2Profile?: string;
  readonly transformSet?: string;
  readonly ipsecProfile?: string;
  readonly line?: string;
}

export interface Outcome {
  /** Informational lines IOS prints (`% Interface ... removed due to enabling VRF ...`). */
  readonly output?: readonly string[];
  /** The command is refused with this IOS message; the model is unchanged. */
  readonly error?: string;
  /** Context of the sub-mode the command enters. */
  readonly ctx?: ModeCtx;
  /** Leave the mode: one level (`exit`), or configuration altogether (`end`). */
  readonly leave?: "exit" | "end";
  /** The lines that follow belong to this command (a multi-line banner): each is handed
   * here, as typed, until this returns true. */
  readonly collect?: (line: string) => boolean;
}

export type Effect = (m: RouterConfig, a: Args, ctx: ModeCtx) => Outcome | void;

/** One running-config line of a command, as arguments for its syntax. */
export interface RenderItem {
  readonly args: ArgRecord;
  /** Print the `no` form (`no ip address`, `no ip domain lookup`). */
  readonly no?: boolean;
  /** Orders lines of commands that share an `order` (neighbors by address, then command). */
  readonly sort?: readonly (string | number)[];
  /** For a command that enters a sub-mode: the block's context. */
  readonly child?: ModeCtx;
  /** Lines printed inside the block as they are (certificate hex, then `quit`). */
  readonly raw?: readonly string[];
}

export interface ConfigCommand extends GrammarEntry {
  readonly kind: "config";
  /** Unique and stable: stored lines and diagnostics name the command by it. */
  readonly id: string;
  readonly mode: ModeId | readonly ModeId[];
  readonly syntax: string;
  readonly help: readonly string[];
  /** The sub-mode the command enters, fixed or chosen from its arguments. */
  readonly enters?: ModeId | ((a: Args) => ModeId);
  readonly apply: Effect;
  readonly no?: { readonly syntax?: string; readonly apply: Effect };
  /** The lines this command contributes to the block of `ctx`. */
  readonly render?: (m: RouterConfig, ctx: ModeCtx) => readonly RenderItem[];
  /** Position of its lines within the mode's block; at top level, also the section. */
  readonly order?: number;
  /** Set for commands that change nothing in a lab: why. `config check --warnings` lists them. */
  readonly inert?: string;
  readonly hidden?: boolean;
}

export function isConfigCommand(e: GrammarEntry): e is ConfigCommand {
  return (e as Partial<ConfigCommand>).kind === "config";
}

/** For context fields a mode always sets: a missing one is a bug in the declarations. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`mode context lacks ${what}`);
  return value;
}

/** Builds a declaration; the `kind` tag is filled in. */
export function command(spec: Omit<ConfigCommand, "kind">): ConfigCommand {
  return { kind: "config", ...spec };
}
