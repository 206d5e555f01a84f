// On/off commands (`shutdown`, `ip nhrp redirect`, `no ip unreachables`): running-config
// shows the line only when the setting differs from IOS's default, in the form that
// differs (`no ip unreachables` when the default is on).

import { command, type ConfigCommand, type ConfigModeId, type CtxOf } from "../command";
import type { RouterConfig } from "../model/router";

export interface FlagSpec<M extends ConfigModeId> {
  readonly id: string;
  readonly mode: M | readonly M[];
  readonly syntax: string;
  readonly help: readonly string[];
  readonly order: number;
  readonly defaultOn: boolean;
  readonly get: (m: RouterConfig, ctx: CtxOf<M>) => boolean;
  readonly set: (m: RouterConfig, ctx: CtxOf<M>, on: boolean) => void;
  readonly inert?: string;
  /** A warning IOS-style to print when the flag is turned on here (and it still takes it). */
  readonly caution?: (m: RouterConfig, ctx: CtxOf<M>) => string | undefined;
}

export function flag<const M extends ConfigModeId = "config">(spec: FlagSpec<M>): ConfigCommand {
  return command<string, string, M>({
    id: spec.id,
    mode: spec.mode,
    syntax: spec.syntax,
    help: spec.help,
    order: spec.order,
    inert: spec.inert,
    apply: (m, _a, c) => {
      spec.set(m, c, true);
      const warning = spec.caution?.(m, c);
      return warning === undefined ? undefined : { output: [warning] };
    },
    no: { apply: (m, _a, c) => spec.set(m, c, false) },
    render: (m, c) => {
      const on = spec.get(m, c);
      if (on === spec.defaultOn) return [];
      return [{ args: {}, no: !on }];
    },
  });
}
