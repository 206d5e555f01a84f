// Commands that have no behaviour in a lab (`clock timezone`, `ip cef`, `service timestamps`…)
// are still parsed, kept and rendered back, never dropped: their arguments are stored in
// `model.misc` under a slot, and their declaration carries the reason they are inert.

import { command, type ConfigCommand, type ModeContexts, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { ArgsOf } from "../grammar/typed-args";
import type { RouterConfig } from "../model/router";

export interface StoredSpec<S extends string, N extends string> {
  readonly id: string;
  readonly mode?: "config" | "line";
  readonly syntax: S;
  readonly help: readonly string[];
  readonly order: number;
  /** Why the command does nothing here. */
  readonly inert: string;
  /** What `config check --warnings` groups it under; "system" by default. */
  readonly family?: string;
  /** Syntax of the `no` form; by default the same as the command. */
  readonly noSyntax?: N;
  /** What `no` does: store the negated line (`no ip domain lookup`), or remove the line. */
  readonly no?: "store" | "remove" | "none";
  /** Commands that can appear more than once (`service timestamps debug`/`log`) keep one
   * line per slot. */
  readonly slot?: (a: ArgsOf<S> | ArgsOf<N>) => string;
  readonly hidden?: boolean;
  /** Another command's id whose slot this one shares (an old spelling). */
  readonly alias?: string;
  /** A sub-mode the command enters (`redundancy`). */
  readonly enters?: "redundancy" | "control-plane";
}

export function stored<const S extends string, const N extends string = S>(spec: StoredSpec<S, N>): ConfigCommand {
  const slotKey = (a: ArgRecord): string => {
    const base = spec.alias ?? spec.id;
    return spec.slot ? `${base}:${spec.slot(a as ArgsOf<S> | ArgsOf<N>)}` : base;
  };
  const mode = spec.mode ?? "config";
  const noMode = spec.no ?? "store";
  const target = spec.alias ?? spec.id;
  // Stored commands keep whatever their syntax binds: their arguments are the untyped record.
  return command<string, string, "config" | "line", "redundancy" | "control-plane">({
    id: spec.id,
    mode,
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    inert: spec.inert,
    family: spec.family ?? "system",
    hidden: spec.hidden,
    enters: spec.enters,
    apply: (m, a) => {
      m.misc[slotKey(a)] = { command: target, no: false, args: a };
      return spec.enters ? { ctx: {} } : undefined;
    },
    no:
      noMode === "none"
        ? undefined
        : {
            syntax: spec.noSyntax,
            apply: (m, a) => {
              const key = slotKey(a);
              if (noMode === "remove") delete m.misc[key];
              else m.misc[key] = { command: target, no: true, args: a };
            },
          },
    render: spec.alias ? undefined : (m) => storedLines(m, spec.id, spec.enters !== undefined),
  });
}

export function storedLines(m: RouterConfig, id: string, block = false): RenderItem<ModeContexts["redundancy"]>[] {
  const out: RenderItem<ModeContexts["redundancy"]>[] = [];
  for (const [key, line] of Object.entries(m.misc)) {
    if (line.command !== id) continue;
    out.push(block && !line.no ? { args: line.args, sort: [key], child: {} } : { args: line.args, no: line.no, sort: [key] });
  }
  return out;
}
