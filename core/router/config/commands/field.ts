// Shorthands for the two most common command shapes: a setting of the object a sub-mode is
// about (`pool NAME`, `dpd 60 2 on-demand`), and a named object that opens a sub-mode
// (`crypto ikev2 profile NAME`).

import { command, type ConfigCommand, type ModeCtx, type Outcome, type RenderItem } from "../command";
import type { Args, ArgRecord } from "../grammar/args";
import type { ModeId } from "../grammar/engine";
import type { RouterConfig } from "../model/router";

export interface FieldSpec {
  readonly id: string;
  readonly mode: ModeId | readonly ModeId[];
  readonly syntax: string;
  readonly help: readonly string[];
  readonly order: number;
  /** Syntax of `no`; defaults to the command's. */
  readonly noSyntax?: string;
  readonly set: (m: RouterConfig, c: ModeCtx, a: Args) => Outcome | void;
  readonly clear: (m: RouterConfig, c: ModeCtx, a: Args) => Outcome | void;
  /** The line(s) to render, as arguments; none when unset. */
  readonly show: (m: RouterConfig, c: ModeCtx) => ArgRecord | undefined | readonly ArgRecord[];
}

export function field(spec: FieldSpec): ConfigCommand {
  return command({
    id: spec.id,
    mode: spec.mode,
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    apply: (m, a, c) => spec.set(m, c, a),
    no: { syntax: spec.noSyntax, apply: (m, a, c) => spec.clear(m, c, a) },
    render: (m, c): RenderItem[] => {
      const v = spec.show(m, c);
      if (v === undefined) return [];
      const list: readonly ArgRecord[] = Array.isArray(v) ? v : [v as ArgRecord];
      return list.map((args) => ({ args }));
    },
  });
}

export interface BlockSpec<T> {
  readonly id: string;
  readonly syntax: string;
  readonly help: readonly string[];
  readonly order: number;
  readonly enters: ModeId;
  readonly table: (m: RouterConfig) => Record<string, T>;
  readonly create: (name: string) => T;
  readonly ctx: (name: string) => ModeCtx;
  /** Runs after the object is removed (to drop what refers to it). */
  readonly onRemove?: (m: RouterConfig, name: string) => void;
}

/** `<words> NAME` creating (or reopening) a named object and entering its sub-mode. The
 * syntax binds the name as `$name`. */
export function block<T>(spec: BlockSpec<T>): ConfigCommand {
  return command({
    id: spec.id,
    mode: "config",
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    enters: spec.enters,
    apply: (m, a) => {
      const name = a.str("name");
      const t = spec.table(m);
      t[name] ??= spec.create(name);
      return { ctx: spec.ctx(name) };
    },
    no: {
      apply: (m, a) => {
        const name = a.str("name");
        delete spec.table(m)[name];
        spec.onRemove?.(m, name);
      },
    },
    render: (m) => Object.keys(spec.table(m)).map((name) => ({ args: { name }, child: spec.ctx(name) })),
  });
}

/** The object a sub-mode is about, from its table by the context's name. */
export function pick<T>(table: Record<string, T>, name: string | undefined, what: string): T {
  const t = name === undefined ? undefined : table[name];
  if (t === undefined) throw new Error(`${what} ${name} vanished`);
  return t;
}
