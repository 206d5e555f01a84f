// A configuration command, declared once: its syntax and help (the grammar), the mode it lives
// in and the one it enters, what it does to the model (and its `no` form), and how the model
// renders back into running-config lines. FRR's DEFPY plus its northbound callbacks, plus the
// running-config writer, in one object. Like DEFPY, the handlers' argument types come from
// the syntax string (`grammar/typed-args.ts`), and their context from the mode they live in.

import type { ArgRecord } from "./grammar/args";
import type { GrammarEntry, ModeId } from "./grammar/engine";
import type { ArgsOf } from "./grammar/typed-args";
import type { RouterConfig } from "./model/router";
import type { KeptModeId } from "./commands/kept-modes";

/** Where each configuration mode is: which object its commands change. A command declared
 * for a mode gets that mode's context, so `iface(m, c)` needs no check that `c.interface` is
 * there, and a command entering a mode must hand over the context that mode needs. */
/** Kept blocks' modes (`router ospf 1`, `policy-map X`): the block's path in `model.kept`. */
type KeptModeContexts = { readonly [K in KeptModeId]: { readonly kept: readonly string[] } };

export interface ModeContexts extends KeptModeContexts {
  readonly config: Record<string, never>;
  readonly "config-if": { readonly interface: string };
  readonly "config-if-tunnel": { readonly interface: string };
  readonly "config-subif": { readonly interface: string };
  readonly "vrf-definition": { readonly vrf: string };
  readonly "vrf-definition-af": { readonly vrf: string };
  readonly "ip-vrf": { readonly vrf: string };
  readonly "router-bgp": { readonly bgpAf?: undefined };
  readonly "router-bgp-af": { readonly bgpAf: string };
  readonly "route-map": { readonly routeMap: string; readonly seq: number };
  readonly "ca-trustpoint": { readonly trustpoint: string };
  readonly "cs-server": { readonly csServer: string };
  readonly "ca-certificate-map": { readonly certMap: string; readonly seq: number };
  readonly "cert-chain": { readonly certChain: string };
  readonly "cert-hex": { readonly certChain: string; readonly certSerial: string; readonly certCa: boolean };
  readonly "ikev2-proposal": { readonly ikev2Proposal: string };
  readonly "ikev2-policy": { readonly ikev2Policy: string };
  readonly "ikev2-keyring": { readonly ikev2Keyring: string };
  readonly "ikev2-keyring-peer": { readonly ikev2Keyring: string; readonly keyringPeer: string };
  readonly "ikev2-authorization-policy": { readonly ikev2AuthPolicy: string };
  readonly "ikev2-profile": { readonly ikev2Profile: string };
  readonly "ipsec-transform-set": { readonly transformSet: string };
  readonly "ipsec-profile": { readonly ipsecProfile: string };
  readonly redundancy: Record<string, never>;
  readonly line: { readonly line: string };
  readonly "control-plane": Record<string, never>;
  readonly "acl-std": { readonly acl: string };
  readonly "acl-ext": { readonly acl: string };
}

export type ConfigModeId = keyof ModeContexts;

/** The context of a mode (of any of several modes, for a command declared in several). */
export type CtxOf<M extends ConfigModeId> = ModeContexts[M];

/** The context of some configuration mode, as the session and renderer hold it. */
export type ModeCtx = ModeContexts[ConfigModeId];

export interface Outcome<Entered extends ModeCtx = never> {
  /** Informational lines IOS prints (`% Interface ... removed due to enabling VRF ...`). */
  readonly output?: readonly string[];
  /** The command is refused with this IOS message; the model is unchanged. */
  readonly error?: string;
  /** Context of the sub-mode the command enters. */
  readonly ctx?: Entered;
  /** Leave the mode: one level (`exit`), or configuration altogether (`end`). */
  readonly leave?: "exit" | "end";
  /** The lines that follow belong to this command (a multi-line banner): each is handed
   * here, as typed, until this returns true. */
  readonly collect?: (line: string) => boolean;
}

/** A command's effect, its argument types erased: what the session calls once the parser has
 * bound the arguments its syntax promises. */
export type Effect = (m: RouterConfig, a: ArgRecord, ctx: ModeCtx) => Outcome<ModeCtx> | void;

/** One running-config line of a command, as arguments for its syntax. */
export interface RenderItem<Child extends ModeCtx = never> {
  readonly args: ArgRecord;
  /** Print the `no` form (`no ip address`, `no ip domain lookup`). */
  readonly no?: boolean;
  /** Orders lines of commands that share an `order` (neighbors by address, then command). */
  readonly sort?: readonly (string | number)[];
  /** For a command that enters a sub-mode: the block's context. */
  readonly child?: Child;
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
  readonly enters?: ModeId | ((a: ArgRecord) => ModeId);
  readonly apply: Effect;
  readonly no?: { readonly syntax?: string; readonly apply: Effect };
  /** The lines this command contributes to the block of `ctx`. */
  readonly render?: (m: RouterConfig, ctx: ModeCtx) => readonly RenderItem<ModeCtx>[];
  /** Position of its lines within the mode's block; at top level, also the section. */
  readonly order?: number;
  /** Set for commands that change nothing in a lab: why. `config check --warnings` lists them. */
  readonly inert?: string;
  /** What `config check --warnings` groups an inert command under ("OSPF", "QoS"). */
  readonly family?: string;
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

/** A declaration as written: its handlers get the arguments its syntax binds (`S`, and `N` for
 * the `no` form), the context of its mode (`M`) and, when it enters a mode (`E`), hand over
 * that mode's context. */
export interface CommandSpec<S extends string, N extends string, M extends ConfigModeId, E extends ConfigModeId> {
  readonly id: string;
  readonly mode: M | readonly M[];
  readonly syntax: S;
  readonly help: readonly string[];
  readonly enters?: E | ((a: ArgsOf<S>) => E);
  readonly apply: (m: RouterConfig, a: ArgsOf<S>, ctx: CtxOf<M>) => Outcome<CtxOf<E>> | void;
  readonly no?: { readonly syntax?: N; readonly apply: (m: RouterConfig, a: ArgsOf<N>, ctx: CtxOf<M>) => Outcome<CtxOf<E>> | void };
  readonly render?: (m: RouterConfig, ctx: CtxOf<M>) => readonly RenderItem<CtxOf<E>>[];
  readonly order?: number;
  readonly inert?: string;
  readonly family?: string;
  readonly hidden?: boolean;
}

/** Builds a declaration, typed from its syntax string; the `kind` tag is filled in. The
 * casts erase the argument and context types, which the parser and the mode stack guarantee
 * at run time. */
export function command<const S extends string, const N extends string = S, const M extends ConfigModeId = "config", const E extends ConfigModeId = never>(
  spec: CommandSpec<S, N, M, E>,
): ConfigCommand {
  return { kind: "config", ...spec } as unknown as ConfigCommand;
}
