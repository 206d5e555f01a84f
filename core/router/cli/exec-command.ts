// An exec command, declared once like a config command: syntax and help for the grammar,
// the exec modes it lives in, and what it does. Output goes through `print`, line by line,
// so a long-running command (ping) shows progress as IOS does.
import type { Args } from "../config/grammar/args";
import type { GrammarEntry, ModeId } from "../config/grammar/engine";
import type { Router } from "../node/router";
import type { Shell } from "./shell";

export interface ExecContext {
  readonly router: Router;
  readonly shell: Shell;
  readonly args: Args;
  /** Prints text; may hold several lines. Call with "" for an empty line. */
  print(text: string): void;
  /** Prints without ending the line (ping's `!` characters). */
  write(text: string): void;
  /** Aborted when the engineer escapes (Ctrl-C) or the caller gives up: long commands stop. */
  readonly signal: AbortSignal;
}

export interface ExecCommand extends GrammarEntry {
  readonly kind: "exec";
  readonly id: string;
  readonly mode: ModeId | readonly ModeId[];
  /** Output may be filtered with `| include` and friends. */
  readonly pipe?: boolean;
  run(ctx: ExecContext): void | Promise<void>;
}

export const USER = "user-exec";
export const PRIV = "exec";
export const BOTH = [USER, PRIV] as const;

export function exec(spec: Omit<ExecCommand, "kind">): ExecCommand {
  return { kind: "exec", ...spec };
}
