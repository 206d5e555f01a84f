// A configuration session: the per-line API the interactive CLI and the config parser share.
// It keeps the mode stack and applies each line to the model, with IOS's paste behaviour:
// a line that does not parse in a sub-mode is tried in the parent modes, and if it parses
// there the session moves to that mode (so `router bgp 10` right after an interface block
// works); `exit` leaves a sub-mode, `end` leaves configuration; `!` and blank lines are ignored.

import { isConfigCommand, type ConfigCommand, type ModeCtx } from "./command";
import { configGrammar } from "./commands/index";
import type { Grammar, GrammarEntry, HelpResult, Match, ModeId } from "./grammar/engine";
import { errorMessage, type CommandError } from "./grammar/errors";
import { emptyConfig, type RouterConfig } from "./model/router";
import { modeDef } from "./modes";

export interface SessionError {
  readonly kind: CommandError["kind"];
  /** The IOS message, e.g. "% Invalid input detected at '^' marker.". */
  readonly message: string;
  /** 0-based column in the line as given, for the caret (prompt length + column). */
  readonly column: number;
}

export interface ExecuteResult<E extends GrammarEntry = ConfigCommand> {
  /** Informational lines the command printed. */
  readonly output: readonly string[];
  readonly error?: SessionError;
  /** The mode after the line (`exec` after `end`). */
  readonly mode: ModeId;
  /** The configuration command that ran, if one did. */
  readonly command?: ConfigCommand;
  /** A command of another kind (an exec command reached through the grammar) for the caller
   * to run; the session has already moved to the mode it matched in. */
  readonly foreign?: Match<E>;
}

interface Level {
  readonly mode: ModeId;
  readonly ctx: ModeCtx;
}

const CONFIG: Level = { mode: "config", ctx: {} };

export class ConfigSession<E extends GrammarEntry = ConfigCommand> {
  private stack: Level[] = [CONFIG];
  private collector: ((line: string) => boolean) | undefined;

  constructor(
    readonly model: RouterConfig = emptyConfig(),
    private readonly grammar: Grammar<ConfigCommand | E> = configGrammar() as Grammar<ConfigCommand | E>,
  ) {}

  /** The current mode; `exec` once `end` (or `exit` from global config) has run. */
  get mode(): ModeId {
    return this.stack.length === 0 ? "exec" : this.stack[this.stack.length - 1].mode;
  }

  get ctx(): ModeCtx {
    return this.stack.length === 0 ? {} : this.stack[this.stack.length - 1].ctx;
  }

  /** Whether the next lines are taken as text by a command (a multi-line banner). */
  get collecting(): boolean {
    return this.collector !== undefined;
  }

  /** The prompt, e.g. "R1(config-if)#". */
  prompt(): string {
    return this.model.hostname + modeDef(this.mode).prompt;
  }

  /** Back to global configuration mode (`configure terminal`). */
  enterConfig(): void {
    this.stack = [CONFIG];
    this.collector = undefined;
  }

  execute(line: string): ExecuteResult<E> {
    if (this.collector) {
      if (this.collector(line)) this.collector = undefined;
      return { output: [], mode: this.mode };
    }
    const text = line.trim();
    if (text === "" || text.startsWith("!")) return { output: [], mode: this.mode };
    if (this.stack.length === 0) return this.fail({ kind: "invalid", column: 0 }, line);

    let best: { error: CommandError; progress: number } | undefined;
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const level = this.stack[depth];
      const r = this.grammar.match(level.mode, line);
      if (r.ok) {
        this.stack = this.stack.slice(0, depth + 1);
        return this.run(r.match, level, line);
      }
      // How far the line got in this mode: an incomplete line got through every word.
      const progress = r.error.kind === "incomplete" ? line.length + 1 : r.error.column;
      if (!best || progress > best.progress) best = { error: r.error, progress };
    }
    return this.fail(best?.error ?? { kind: "invalid", column: 0 }, line);
  }

  /** `?` help in the current mode for the text before the question mark. */
  help(text: string): HelpResult {
    return this.grammar.help(this.mode, text);
  }

  /** Tab completion in the current mode. */
  complete(line: string): string | undefined {
    return this.grammar.complete(this.mode, line);
  }

  private fail(error: CommandError, line: string): ExecuteResult<E> {
    return { output: [], mode: this.mode, error: { kind: error.kind, message: errorMessage(error, line), column: error.column } };
  }

  private run(match: Match<ConfigCommand | E>, level: Level, line: string): ExecuteResult<E> {
    const entry = match.entry;
    if (!isConfigCommand(entry)) return { output: [], mode: this.mode, foreign: match as Match<E> };
    const effect = match.negated ? entry.no?.apply : entry.apply;
    if (!effect) throw new Error(`command ${entry.id} matched a no form it does not have`);
    const outcome = effect(this.model, match.args.values, level.ctx) ?? {};
    const output = outcome.output ?? [];
    if (outcome.error !== undefined) {
      return { output, mode: this.mode, command: entry, error: { kind: "rejected", message: outcome.error, column: line.length - line.trimStart().length } };
    }
    if (outcome.leave === "end") this.stack = [];
    else if (outcome.leave === "exit") this.stack = this.stack.slice(0, -1);
    else if (entry.enters && !match.negated) {
      const mode = typeof entry.enters === "string" ? entry.enters : entry.enters(match.args.values);
      this.stack.push({ mode, ctx: outcome.ctx ?? level.ctx });
    }
    if (outcome.collect) this.collector = outcome.collect;
    return { output, mode: this.mode, command: entry };
  }
}
