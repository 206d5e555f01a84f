// An exec command, declared once like a config command: syntax and help for the grammar,
// the exec modes it lives in, and what it does. Output goes through `print`, line by line,
// so a long-running command (ping) shows progress as IOS does. The shape is node/subsystem.ts's,
// so a subsystem's commands (which see less of the router) join the same grammar.
import type { ExecCommandOf, ExecContextOf } from "../node/subsystem";
import type { Router } from "../node/router";
import type { Shell } from "./shell";

export { BOTH, PRIV, USER } from "../node/subsystem";

export interface ExecContext extends ExecContextOf<Router> {
  readonly shell: Shell;
}

export type ExecCommand = ExecCommandOf<ExecContext>;

export function exec(spec: Omit<ExecCommand, "kind">): ExecCommand {
  return { kind: "exec", ...spec };
}
