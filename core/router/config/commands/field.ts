// Shorthands for two common command shapes: a setting of the object a sub-mode is about that
// takes more than one field (`dpd 60 2 on-demand`; one field from one argument is
// `setting()`), and a named object that opens a sub-mode (`crypto ikev2 profile NAME`).

import { command, type ConfigCommand, type ConfigModeId, type CtxOf, type Outcome, type RenderItem } from "../command";
import type { ArgRecord } from "../grammar/args";
import type { ArgsOf } from "../grammar/typed-args";
import type { RouterConfig } from "../model/router";

export interface FieldSpec<S extends string, N extends string, M extends ConfigModeId> {
  readonly id: string;
  readonly mode: M | readonly M[];
  readonly syntax: S;
  readonly help: readonly string[];
  readonly order: number;
  /** Syntax of `no`; defaults to the command's. */
  readonly noSyntax?: N;
  readonly set: (m: RouterConfig, c: CtxOf<M>, a: ArgsOf<S>) => Outcome<never> | void;
  readonly clear: (m: RouterConfig, c: CtxOf<M>, a: ArgsOf<N>) => Outcome<never> | void;
  /** The line(s) to render, as arguments; none when unset. */
  readonly show: (m: RouterConfig, c: CtxOf<M>) => ArgRecord | undefined | readonly ArgRecord[];
}

export function field<const S extends string, const N extends string = S, const M extends ConfigModeId = "config">(spec: FieldSpec<S, N, M>): ConfigCommand {
  return command<S, N, M>({
    id: spec.id,
    mode: spec.mode,
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    apply: (m, a, c) => spec.set(m, c, a),
    no: { syntax: spec.noSyntax, apply: (m, a, c) => spec.clear(m, c, a) },
    render: (m, c): RenderItem<never>[] => {
      const v = spec.show(m, c);
      if (v === undefined) return [];
      const list: readonly ArgRecord[] = Array.isArray(v) ? v : [v as ArgRecord];
      return list.map((args) => ({ args }));
    },
  });
}

export interface BlockSpec<T, S extends string, E extends ConfigModeId> {
  readonly id: string;
  readonly syntax: S;
  readonly help: readonly string[];
  readonly order: number;
  readonly enters: E;
  readonly table: (m: RouterConfig) => Record<string, T>;
  readonly create: (name: string) => T;
  readonly ctx: (name: string) => CtxOf<E>;
  /** Runs after the object is removed (to drop what refers to it). */
  readonly onRemove?: (m: RouterConfig, name: string) => void;
}

/** `<words> NAME` creating (or reopening) a named object and entering its sub-mode. The
 * syntax binds the name as `$name`. */
export function block<T, const S extends string, const E extends ConfigModeId>(
  spec: BlockSpec<T, S, E>,
  // Compiles only when the syntax binds `name` as text.
  ..._bindsName: ArgsOf<S> extends { readonly name: string } ? [] : [never]
): ConfigCommand {
  const nameOf = (a: ArgRecord): string => {
    if (typeof a.name !== "string") throw new Error(`${spec.id}: no name bound`);
    return a.name;
  };
  return command<string, string, "config", E>({
    id: spec.id,
    mode: "config",
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    enters: spec.enters,
    apply: (m, a) => {
      const name = nameOf(a);
      const t = spec.table(m);
      t[name] ??= spec.create(name);
      return { ctx: spec.ctx(name) };
    },
    no: {
      apply: (m, a) => {
        const name = nameOf(a);
        delete spec.table(m)[name];
        spec.onRemove?.(m, name);
      },
    },
    render: (m) => Object.keys(spec.table(m)).map((name) => ({ args: { name }, child: spec.ctx(name) })),
  });
}

/** The object a sub-mode is about, from its table by the context's name. */
export function pick<T>(table: Record<string, T>, name: string, what: string): T {
  const t = table[name] as T | undefined;
  if (t === undefined) throw new Error(`${what} ${name} vanished`);
  return t;
}
