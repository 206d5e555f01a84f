// The commonest command shape, declared once: one field of the object a mode is about, set
// from one argument (`ip mtu 1400`, `lifetime 3600`, `pool NAME`). `apply` stores the value,
// `no` deletes the field, running-config shows the line while the field is set. The types tie
// the three together: the argument's type must fit the field, and the field must be optional.

import { command, type ConfigCommand, type ConfigModeId, type CtxOf } from "../command";
import { bound } from "../grammar/args";
import type { ArgValue } from "../grammar/tokens";
import type { ArgsOf } from "../grammar/typed-args";
import type { RouterConfig } from "../model/router";

export interface SettingSpec<S extends string, N extends string, M extends ConfigModeId, T, K extends keyof T, A extends keyof ArgsOf<S>> {
  readonly id: string;
  readonly mode: M | readonly M[];
  readonly syntax: S;
  /** Syntax of `no`; defaults to the command's. */
  readonly noSyntax?: N;
  readonly help: readonly string[];
  readonly order: number;
  /** The object the field belongs to, for the mode's context. */
  readonly at: (m: RouterConfig, c: CtxOf<M>) => T;
  /** When `at` creates the object on first use: the object if it exists, for rendering,
   * which must not change the model. */
  readonly peek?: (m: RouterConfig, c: CtxOf<M>) => T | undefined;
  readonly field: K;
  /** The `$name` of the syntax whose value the field holds. */
  readonly arg: A;
  /** IOS's refusal of a value (a description too long), or undefined to take it. */
  readonly check?: (value: NonNullable<ArgsOf<S>[A]>) => string | undefined;
}

/** Compiles only when the argument's values fit the field and the field may be absent. */
type Fits<S extends string, T, K extends keyof T, A extends keyof ArgsOf<S>> = [NonNullable<ArgsOf<S>[A]>] extends [T[K]] ? (undefined extends T[K] ? [] : [never]) : [never];

export function setting<const S extends string, const N extends string = S, const M extends ConfigModeId = "config", T = never, const K extends keyof T = never, const A extends keyof ArgsOf<S> = never>(
  spec: SettingSpec<S, N, M, T, K, A>,
  ..._fits: Fits<S, T, K, A>
): ConfigCommand {
  // The field as plain data: `Fits` has checked what goes in, and the model is JSON.
  type Slot = Record<PropertyKey, ArgValue | undefined>;
  const slot = (m: RouterConfig, c: CtxOf<M>): Slot => spec.at(m, c) as Slot;
  const peek = (m: RouterConfig, c: CtxOf<M>): Slot | undefined => (spec.peek ? (spec.peek(m, c) as Slot | undefined) : slot(m, c));
  const arg = spec.arg as string;
  return command<string, string, M>({
    id: spec.id,
    mode: spec.mode,
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    apply: (m, a, c) => {
      const value = bound(a[arg], `${arg} of ${spec.id}`);
      const problem = spec.check?.(value as NonNullable<ArgsOf<S>[A]>);
      if (problem !== undefined) return { error: problem };
      slot(m, c)[spec.field] = value;
    },
    no: {
      syntax: spec.noSyntax,
      apply: (m, _a, c) => {
        delete slot(m, c)[spec.field];
      },
    },
    render: (m, c) => {
      const value = peek(m, c)?.[spec.field];
      return value === undefined ? [] : [{ args: { [arg]: value } }];
    },
  });
}
