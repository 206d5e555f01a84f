// The one interface through which a protocol plugs into a Router. A subsystem brings its
// own reconciliation of the running config, its exec and show commands, its debug flags,
// its drop reasons and its tables; the Router and the CLI pick them up from the
// registration list (subsystems.ts), so a new protocol lives in its own folder and node/
// and cli/ do not grow. See README.md in this folder.
//
// This file imports only the layers below node/ (and node/'s own small leaves), so the
// protocol folders may import it: it is the single file of node/ they are allowed to see.
import type { Clock } from "../clock/clock";
import type { InterfaceConfig } from "../config/model/interface";
import type { RouterConfig } from "../config/model/router";
import type { Args } from "../config/grammar/args";
import type { GrammarEntry, ModeId } from "../config/grammar/engine";
import type { DropReason } from "../net/counters";
import type { EthernetInterface } from "../net/ethernet-port";
import type { Interface, LogMessage } from "../net/interface";
import type { NetStack } from "../net/stack";
import type { IpRouting } from "../routing/ip-routing";
import type { TableName } from "../../api/tables";
import type { RouterOptions } from "./options";
import type { TableEntry } from "./tables";
import type { TimeZone } from "./time";

export type { NvramFiles, RouterOptions } from "./options";
export type { TableArgs, TableEntry } from "./tables";

/** What a subsystem sees of its router. The Router implements it; nothing more is reachable,
 * so protocols meet through routing/, mpls/ and each other's published instances only. */
export interface SubsystemHost {
  readonly clock: Clock;
  readonly stack: NetStack;
  readonly routing: IpRouting;
  /** The running configuration (read it; config sessions change it). */
  readonly running: RouterConfig;
  readonly timeZone: TimeZone;
  readonly debug: DebugSwitches;
  /** Creates the unconnected port a config names when the lab gave it no link. */
  ensurePort(name: string): EthernetInterface | undefined;
  /** Reports a problem applying config that the parser could not catch; printed after the command. */
  warn(text: string): void;
  /** A log line (`%FACILITY-SEV-MNEMONIC: text`), to the console and the mgmt API's events. */
  logMessage(message: LogMessage): void;
  /** Another subsystem's instance on this router (registered ones only). */
  subsystem<I extends object>(of: Subsystem<I>): I;
}

/** `debug …` flags as a subsystem sees them. */
export interface DebugSwitches {
  isOn(flag: string): boolean;
  /** A debug line, delivered as a log line (console, `terminal monitor`). */
  emit(text: string): void;
}

/** One `debug` flag: `debug WORDS` turns it on, `show debugging` lists it under its heading. */
export interface DebugFlagSpec {
  /** The words after `debug`: "ip routing". */
  readonly flag: string;
  /** `?` help for each word of `flag`. */
  readonly help: readonly string[];
  /** `show debugging`'s section: "IP". */
  readonly heading: string;
  /** What `debug` prints and `show debugging` lists: "IP routing debugging is on". */
  readonly description: string;
}

/** The exec modes: `>` and `#`. */
export const USER = "user-exec";
export const PRIV = "exec";
export const BOTH = [USER, PRIV] as const;

/** What an exec command gets to run; the CLI's own commands get a richer router and the shell. */
export interface ExecContextOf<R> {
  readonly router: R;
  readonly args: Args;
  /** Prints text; may hold several lines. Call with "" for an empty line. */
  print(text: string): void;
  /** Prints without ending the line (ping's `!` characters). */
  write(text: string): void;
  /** Aborted when the engineer escapes (Ctrl-C) or the caller gives up: long commands stop. */
  readonly signal: AbortSignal;
}

/** An exec command, declared once like a config command: syntax and help for the grammar,
 * the exec modes it lives in, and what it does. */
export interface ExecCommandOf<C> extends GrammarEntry {
  readonly kind: "exec";
  readonly id: string;
  readonly mode: ModeId | readonly ModeId[];
  /** Output may be filtered with `| include` and friends. */
  readonly pipe?: boolean;
  run(ctx: C): void | Promise<void>;
}

export type SubsystemExecContext = ExecContextOf<SubsystemHost>;
export type SubsystemExecCommand = ExecCommandOf<SubsystemExecContext>;

/** Declares an exec command a subsystem contributes. */
export function subsystemExec(spec: Omit<SubsystemExecCommand, "kind">): SubsystemExecCommand {
  return { kind: "exec", ...spec };
}

/** A subsystem's state on one router: any object, with these hooks where it has something
 * to do (a class with hooks says `implements SubsystemInstance`). */
export interface SubsystemInstance {
  /** Brings this subsystem's part of the data plane in line with `after`, comparing with
   * `before` (undefined at boot) field by field, so an unchanged model does nothing. Runs
   * after the core has applied VRFs and interfaces, in registration order. */
  reconcile?(before: RouterConfig | undefined, after: RouterConfig): void;
  /** Applies this subsystem's part of one interface's config. The core calls it while it
   * applies that interface, after addresses and before `shutdown` (as IOS applies a block). */
  reconcileInterface?(iface: Interface, before: InterfaceConfig | undefined, after: InterfaceConfig): void;
  /** The router is going away: stop timers, close sockets. */
  close?(): void;
}

export interface Subsystem<I extends object = SubsystemInstance> {
  /** A short name, for errors and the README: "static-routes", "pki". */
  readonly name: string;
  /** Builds this subsystem's state for one router (once, when the Router is made, before the
   * startup-config is applied). */
  attach(router: SubsystemHost, options: RouterOptions): I;
  /** Its tables (row schema in core/api/tables.ts), served by the mgmt API and formatted by
   * its show commands: `entry.format(entry.rows(router, args), args)`. */
  readonly tables?: readonly TableEntry<TableName, SubsystemHost>[];
  /** Exec and show commands, added to the CLI grammar. */
  readonly execCommands?: readonly SubsystemExecCommand[];
  /** `debug` flags, with their `debug` commands made by the CLI. */
  readonly debugFlags?: readonly DebugFlagSpec[];
  /** The drop reasons this subsystem counts, declared with net/counters.ts's
   * registerDropReasons in the module that counts them. */
  readonly dropReasons?: readonly DropReason[];
}
