// The exec shell of one console or vty session: IOS's modes and prompts, exec commands, the
// configuration session with its paste behaviour, `do`, output modifiers, `?` help, Tab
// completion and IOS's errors with the caret. Text in, text out: the console server, the mgmt
// API's `exec` and the simulation harness all drive it the same way.
import type { Args } from "../config/grammar/args";
import { Grammar, type HelpItem, type ModeId } from "../config/grammar/engine";
import { errorLines, errorMessage } from "../config/grammar/errors";
import { formatHelp } from "../config/grammar/help";
import { configCommands } from "../config/commands/index";
import type { ConfigCommand } from "../config/command";
import { isConfigMode, modeDef } from "../config/modes";
import type { ConfigSession } from "../config/session";
import type { Router } from "../node/router";
import { execCommands } from "./commands/index";
import type { ExecCommand, ExecContext } from "./exec-command";
import { applyPipe, PIPE_HELP, pipeHelp, splitPipe } from "./pipe";
import { CONFIG_LINES_PER_SLICE, REGEX_STEPS_PER_SLICE, WorkSlicer } from "./work-slice";

/** Exec words that only lead to subcommands: typed alone, IOS says how to list them. */
const SUBCOMMAND_FAMILIES = ["show", "debug", "undebug", "clear"];

/** The line IOS prints above a mode's list of commands (`?` on an empty line). */
const MODE_HELP_HEADERS: Partial<Record<ModeId, string>> = {
  "user-exec": "Exec commands:",
  exec: "Exec commands:",
  config: "Configure commands:",
  "config-if": "Interface configuration commands:",
  "config-if-tunnel": "Interface configuration commands:",
  "config-subif": "Interface configuration commands:",
  "router-bgp": "Router configuration commands:",
  "router-bgp-af": "Router Address Family configuration commands:",
  line: "Line configuration commands:",
};

/** Where a running command prints: the line that started it, then the line that answered
 * its last question (a dialogue's output follows the answer typed). */
interface Output {
  print: (text: string) => void;
  write: (text: string) => void;
}

type Entry = ConfigCommand | ExecCommand;

let sharedGrammar: Grammar<Entry> | undefined;

/** The smallest batch of pasted configuration lines applied together. */
const PASTE_BATCH_LINES = 2000;

/** A signal that never fires, for callers with no way to escape. */
const NEVER: AbortSignal = new AbortController().signal;

/** Config and exec commands in one grammar (built once per process). */
export function cliGrammar(): Grammar<Entry> {
  return (sharedGrammar ??= new Grammar<Entry>([...configCommands, ...execCommands]));
}

export interface ShellOptions {
  /** Start in privileged exec (the mgmt API and the harness do; a console starts at `>`). */
  readonly privileged?: boolean;
  /** The console (log messages always shown) or a vty (only with `terminal monitor`). */
  readonly console?: boolean;
}

export interface ExecuteOptions {
  /**
   * More lines are already waiting (a paste): a configuration line's change may be applied
   * together with theirs, in batches, as loading a config applies it once. The last line of
   * a paste, an exec command, `do`, and leaving configuration mode apply what is pending.
   */
  readonly more?: boolean;
}

export interface DebugFlags {
  readonly enabled: Set<string>;
}

export class Shell {
  private execMode: "user-exec" | "exec";
  private config: ConfigSession<ExecCommand> | undefined;
  /** `terminal length`: lines per page, 0 for no paging (IOS default 24). */
  terminalLength = 24;
  /** `terminal monitor`: show log messages on this vty. */
  monitor: boolean;
  readonly console: boolean;
  /** Set by `exit`/`logout` from exec: the session should close. */
  closed = false;
  /** Lines typed in this session, oldest first (`show history`; IOS keeps 10). */
  readonly history: string[] = [];
  /** The escape signal of the command running now. */
  private signal: AbortSignal = NEVER;
  /** Configuration lines run since the router last applied the model (0: nothing pending). */
  private uncommitted = 0;
  /** Configuration lines of the paste under way. */
  private pasted = 0;
  /** Paces configuration lines, so a long paste lets the router forward between slices. */
  private readonly configSlicer: WorkSlicer;
  /** A running command's question (`Target IP address: `): the next line typed answers it. */
  private question: { readonly text: string; readonly answer: (line: string) => void; readonly output: Output } | undefined;
  /** Wakes the line being executed when its command asks a question instead of finishing. */
  private asked: (() => void) | undefined;
  /** Where the innermost running command's output goes (see Output). */
  private output: Output | undefined;
  readonly grammar = cliGrammar();

  constructor(
    readonly router: Router,
    options: ShellOptions = {},
  ) {
    this.execMode = options.privileged ? "exec" : "user-exec";
    this.console = options.console ?? false;
    this.monitor = this.console;
    this.configSlicer = new WorkSlicer(router.clock, CONFIG_LINES_PER_SLICE);
  }

  get mode(): ModeId {
    return this.config?.mode ?? this.execMode;
  }

  get privileged(): boolean {
    return this.execMode === "exec";
  }

  prompt(): string {
    if (this.question) return this.question.text;
    return this.router.hostname + modeDef(this.mode).prompt;
  }

  /**
   * Asks the engineer a question of a dialogue (a bare `ping`): the question becomes the
   * prompt, and the next line typed is the answer (as typed, untrimmed). The line that started
   * the command returns meanwhile, so a console shows the question and reads on.
   */
  ask(text: string): Promise<string> {
    const output = this.output;
    if (!output) throw new Error("ask() outside a running command");
    return new Promise((resolve) => {
      this.question = { text, answer: resolve, output };
      this.asked?.();
    });
  }

  /** Whether a command is waiting for the answer to a question. */
  get asking(): boolean {
    return this.question !== undefined;
  }

  setPrivileged(on: boolean): void {
    this.execMode = on ? "exec" : "user-exec";
  }

  /** `configure terminal`. */
  enterConfig(): void {
    this.config = this.router.configSession<ExecCommand>(this.grammar);
    this.config.enterConfig();
  }

  /** Leaves configuration mode (`end`, Ctrl-Z), logging IOS's %SYS-5-CONFIG_I. */
  leaveConfig(): void {
    if (!this.config) return;
    this.config = undefined;
    // Warnings the apply finds wait in the router for the next command to print them.
    if (this.uncommitted > 0) this.router.commit();
    this.uncommitted = 0;
    this.pasted = 0;
    this.router.logMessage({ facility: "SYS", severity: 5, mnemonic: "CONFIG_I", text: `%SYS-5-CONFIG_I: Configured from console by ${this.console ? "console" : "vty0"}` });
  }

  /**
   * Runs one typed line and prints its output. Errors are printed as IOS prints them (caret
   * under the offending column, after the prompt). Resolves when the command has finished
   * (a ping takes its time, virtual or real).
   */
  async execute(line: string, print: (text: string) => void, write: (text: string) => void = print, signal: AbortSignal = NEVER, options: ExecuteOptions = {}): Promise<void> {
    this.signal = signal;
    if (this.question) {
      const { answer, output } = this.question;
      this.question = undefined;
      output.print = print;
      output.write = write;
      await this.untilDoneOrAsked(() => answer(line));
      return;
    }
    const promptLength = this.prompt().length;
    if (line.trim() !== "") {
      this.history.push(line);
      if (this.history.length > 10) this.history.shift();
    }
    if (this.config) {
      if (this.configSlicer.spend(1)) await this.configSlicer.pause();
      await this.executeConfig(line, promptLength, print, write, options.more === true);
      return;
    }
    if (line.trim() === "" || line.trim().startsWith("!")) return;
    await this.executeExec(line, this.execMode, promptLength, print, write);
  }

  private async executeConfig(line: string, promptLength: number, print: (text: string) => void, write: (text: string) => void, more: boolean): Promise<void> {
    const session = this.config!;
    const r = session.execute(line);
    for (const text of r.output) print(text);
    if (r.error) {
      for (const text of r.error.kind === "invalid" ? errorLines({ kind: "invalid", column: r.error.column }, line, promptLength) : [r.error.message]) print(text);
      print("");
    }
    if (r.foreign) {
      // `do COMMAND` or an exec command reached from config: run it in privileged exec.
      const entry = r.foreign.entry;
      this.commit(print);
      await this.runExec(entry, r.foreign.args, print, write);
    }
    // Applying walks the whole model, so a paste is applied in a few batches: one line at a
    // time it would cost lines × config size. Each batch is a quarter of what was pasted so
    // far (at least 2,000 lines), so the walks add up to a few full applies, and no single
    // apply holds the router up for long.
    this.pasted++;
    this.uncommitted++;
    const batch = Math.max(PASTE_BATCH_LINES, this.pasted / 4);
    if (!more || session.mode === "exec" || this.uncommitted >= batch) this.commit(print);
    if (!more) this.pasted = 0;
    if (session.mode === "exec") this.leaveConfig();
  }

  /** Applies the running config and prints what applying it found. */
  private commit(print: (text: string) => void): void {
    this.uncommitted = 0;
    this.router.commit();
    for (const warning of this.router.takeWarnings()) print(warning);
  }

  private async executeExec(line: string, mode: ModeId, promptLength: number, print: (text: string) => void, write: (text: string) => void): Promise<void> {
    const { command, pipe, error: pipeError, pipeColumn } = splitPipe(line);
    const r = this.grammar.match(mode, command);
    if (!r.ok) {
      const words = command.trim().split(/\s+/);
      if (r.error.kind === "invalid" && words.length === 1) {
        // IOS takes a lone unknown word in exec as a host to telnet to.
        if (this.router.running.ipDomainLookup) print(`Translating "${words[0]}"`);
        print("% Unknown command or computer name, or unable to find computer address");
        return;
      }
      const family = r.error.kind === "incomplete" && words.length === 1 ? SUBCOMMAND_FAMILIES.filter((w) => w.startsWith(words[0].toLowerCase())) : [];
      if (family.length === 1) {
        // IOS's answer to a bare `show` (`sh`, `debug`…): where to look, not an error.
        print(`% Type "${family[0]} ?" for a list of subcommands`);
        return;
      }
      for (const text of errorLines(r.error, command, promptLength)) print(text);
      print("");
      return;
    }
    const entry = r.match.entry;
    if (entry.kind !== "exec") return;
    if (pipeError !== undefined) {
      if (pipeError.startsWith("% Invalid input")) print(" ".repeat(promptLength + (pipeColumn ?? 0)) + "^");
      print(pipeError);
      print("");
      return;
    }
    if (!pipe) {
      await this.runExec(entry, r.match.args, print, write);
      return;
    }
    const collected: string[] = [];
    let partial = "";
    await this.runExec(
      entry,
      r.match.args,
      (text) => {
        for (const l of (partial + text).split("\n")) collected.push(l);
        partial = "";
      },
      (text) => (partial += text),
    );
    if (partial) collected.push(partial);
    const slicer = new WorkSlicer(this.router.clock, REGEX_STEPS_PER_SLICE);
    const signal = this.signal;
    const kept = await applyPipe(collected, pipe, { spend: (n) => slicer.spend(n), pause: () => slicer.pause(), signal });
    for (const text of kept) print(text);
  }

  private async runExec(entry: Entry, args: Args, print: (text: string) => void, write: (text: string) => void): Promise<void> {
    if (entry.kind !== "exec") return;
    const output: Output = { print, write };
    const outer = this.output;
    this.output = output;
    const ctx: ExecContext = { router: this.router, shell: this, args, print: (t) => output.print(t), write: (t) => output.write(t), signal: this.signal };
    const run = async (): Promise<void> => {
      try {
        await entry.run(ctx);
      } catch (err) {
        // A bug, not the engineer's fault: say so and keep the router and the session alive.
        print(`% Internal error in "${entry.id}": ${err instanceof Error ? err.message : String(err)}`);
        this.router.logMessage({ facility: "SYS", severity: 3, mnemonic: "INTERNAL", text: `%SYS-3-INTERNAL: ${entry.id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
      }
    };
    let running: Promise<void> | undefined;
    await this.untilDoneOrAsked(
      () => (running = run().finally(() => (this.output = outer))),
      () => running,
    );
  }

  /** Starts (or answers) a command, then waits until it finishes or asks its next question. */
  private untilDoneOrAsked(start: () => unknown, done: () => Promise<void> | undefined = () => this.running): Promise<void> {
    return new Promise<void>((resolve) => {
      this.asked = resolve;
      start();
      const finished = done();
      if (finished) {
        this.running = finished;
        void finished.then(() => {
          if (this.running === finished) this.running = undefined;
          resolve();
        });
      }
    });
  }

  /** The command that asked the question pending now. */
  private running: Promise<void> | undefined;

  /** `do LINE`: runs an exec command from a configuration mode, with privilege. */
  async runAsExec(line: string, print: (text: string) => void, write: (text: string) => void): Promise<void> {
    await this.executeExec(line, "exec", this.prompt().length + "do ".length, print, write);
  }

  /** Ctrl-Z: leave configuration mode. */
  ctrlZ(): void {
    this.leaveConfig();
  }

  /** `?` pressed after `text`: the lines to print. */
  help(text: string): string[] {
    const promptLength = this.prompt().length;
    const { command, pipe, error } = splitPipe(text.endsWith("|") ? text + " " : text);
    if (command !== text && (pipe || error)) {
      const after = text.slice(text.indexOf("|") + 1);
      if (after.trim() === "") return pipeHelp();
      return ["  LINE  Regular Expression"];
    }
    const header = text.trim() === "" && MODE_HELP_HEADERS[this.mode] !== undefined ? [MODE_HELP_HEADERS[this.mode] as string] : [];
    if (this.config) {
      // `do COMMAND ?`: the exec command's help, the caret counted past "do ".
      const lead = /^\s*do\s+/.exec(text);
      if (lead) {
        const rest = text.slice(lead[0].length);
        const result = this.grammar.help("exec", rest);
        const extra: HelpItem[] = result.kind === "list" && result.cr && this.pipeable(rest, "exec") ? [PIPE_HELP] : [];
        return formatHelp(result, rest, promptLength + lead[0].length, extra);
      }
      const result = this.config.help(text);
      if (result.kind === "error" && this.config.mode !== "config") return formatHelp(this.grammar.help("config", text), text, promptLength);
      return [...header, ...formatHelp(result, text, promptLength)];
    }
    const result = this.grammar.help(this.execMode, text);
    const extra: HelpItem[] = result.kind === "list" && result.cr && this.pipeable(text) ? [PIPE_HELP] : [];
    return [...header, ...formatHelp(result, text, promptLength, extra)];
  }

  /** Tab: the completed line, or undefined. */
  complete(text: string): string | undefined {
    if (this.config) return this.config.complete(text) ?? (this.config.mode !== "config" ? this.grammar.complete("config", text) : undefined);
    return this.grammar.complete(this.execMode, text);
  }

  private pipeable(text: string, mode: ModeId = this.execMode): boolean {
    const r = this.grammar.match(mode, text);
    return r.ok && r.match.entry.kind === "exec" && r.match.entry.pipe === true;
  }

  /** Whether the session is in a configuration mode. */
  get configuring(): boolean {
    return this.config !== undefined && isConfigMode(this.config.mode);
  }
}

export { errorMessage };
