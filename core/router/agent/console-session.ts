// One console connection: telnet in, IOS terminal out. It shows "Press RETURN to get
// started.", then a user-exec prompt; typed keys go to the line editor (whose `?` and Tab ask
// the Shell), Enter runs the line in the Shell, and output pages with --More--. Log lines are
// printed as they happen and the prompt with the half-typed line is redrawn under them.
// Keys typed while a command runs wait their turn (IOS type-ahead), except Ctrl-C, which
// stops the output and gives the prompt back, and the pager's keys.
import { Shell } from "../cli/shell";
import { LineEditor } from "../cli/line-editor";
import { ERASE_MORE, Pager } from "../cli/pager";
import type { LogLine, Router } from "../node/router";
import { telnetText } from "../wire/telnet";
import { TelnetConnection } from "./telnet";

/** Where the session's bytes go: a TCP socket in the agent, an array in tests. */
export interface ConsoleSink {
  write(bytes: Uint8Array): void;
  /** Closes the connection (after `exit`). */
  end(): void;
}

const CTRL_C = "\x03";
const CTRL_Z = "\x1a";
const BANNER = "\r\n\r\nPress RETURN to get started.\r\n\r\n";

type Phase = "banner" | "prompt" | "busy" | "closed";

/** A command in progress; `aborted` once Ctrl-C has taken the terminal back from it, and
 * `escape` tells the command itself (a ping stops sending). */
interface Running {
  aborted: boolean;
  readonly escape: AbortController;
}

export class ConsoleSession {
  readonly shell: Shell;
  private readonly editor: LineEditor;
  private readonly telnet = new TelnetConnection();
  private readonly pager = new Pager();
  private readonly decoder = new TextDecoder();
  private readonly unsubscribe: () => void;
  private phase: Phase = "banner";
  private running: Running | undefined;
  /** Received text not yet taken, as it came (a paste may be megabytes: never copied whole). */
  private chunks: string[] = [];
  private chunkHead = 0;
  private chunkPos = 0;
  /** Chunks from chunkHead on already searched for Ctrl-C while busy. */
  private scanned = 0;
  /** Enters waiting in the chunks: more lines of a paste follow the one running. */
  private pendingEnters = 0;
  /** Output held while typed text is taken, so a paste's echo goes out in one write. */
  private outBuf: string | undefined;
  private lastWasCr = false;
  /** Whether the terminal's cursor is at the start of a line (so a log line needs no newline first). */
  private atLineStart = true;
  /** Whether the text handed to the pager so far ends a line. */
  private outputEndsLine = true;
  /** Log lines held while the prompt is being replaced, shown under the new one. */
  private heldLog: LogLine[] | undefined;

  constructor(
    private readonly router: Router,
    private readonly sink: ConsoleSink,
    /** A bug surfaced in a command (already printed to the user). */
    private readonly onBug: (err: unknown) => void = () => {},
  ) {
    this.shell = new Shell(router, { console: true });
    this.editor = new LineEditor({
      prompt: () => this.shell.prompt(),
      help: (text) => this.shell.help(text),
      complete: (text) => this.shell.complete(text),
    });
    this.unsubscribe = router.onLog((line) => this.log(line));
  }

  /** The first bytes: telnet negotiation and the banner. */
  start(): void {
    this.sink.write(this.telnet.hello());
    this.out(BANNER);
  }

  /** Bytes from the client. */
  receive(chunk: Uint8Array): void {
    if (this.phase === "closed") return;
    const r = this.telnet.receive(chunk);
    if (r.reply.length > 0) this.sink.write(r.reply);
    // IOS takes the vty's length from the client's window (until `terminal length` changes it).
    if (r.windowSize && r.windowSize.rows > 0) this.shell.terminalLength = r.windowSize.rows;
    const text = this.normalise(this.decoder.decode(r.data, { stream: true }));
    if (text !== "") this.chunks.push(text);
    this.pump();
  }

  /** The connection went away. */
  close(): void {
    if (this.phase === "closed") return;
    this.phase = "closed";
    this.unsubscribe();
    if (this.running) this.running.aborted = true;
    if (this.shell.configuring) this.shell.ctrlZ();
  }

  /** Telnet Enter is CR LF or CR NUL; some clients send a bare LF. The editor gets one CR. */
  private normalise(text: string): string {
    let out = "";
    for (const ch of text) {
      if ((ch === "\n" || ch === "\0") && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === "\r";
      if (ch === "\r" || ch === "\n") this.pendingEnters++;
      out += ch === "\n" ? "\r" : ch;
    }
    return out;
  }

  private pump(): void {
    this.outBuf ??= "";
    try {
      this.pumpInput();
    } finally {
      this.flush();
    }
  }

  private pumpInput(): void {
    while (this.hasInput() && this.phase !== "closed") {
      if (this.phase === "busy") {
        if (this.pager.paused) {
          const ch = this.take();
          if (ch === CTRL_C) this.abort();
          else {
            this.out(this.pager.key(ch));
            if (this.pager.state === "stopped") this.abort(); // q: IOS gives the prompt back at once
          }
          this.settle();
          continue;
        }
        // Type-ahead waits for the command; only Ctrl-C is looked at now.
        if (!this.takeCtrlC()) return;
        this.abort();
        this.settle();
        continue;
      }
      const ch = this.take();
      if (this.phase === "banner") {
        if (ch === "\r") this.showPrompt("\r\n");
        continue;
      }
      if (ch === CTRL_Z) this.ctrlZ();
      else if (ch === CTRL_C) this.ctrlC();
      else {
        const r = this.editor.feed(ch);
        this.out(r.echo);
        if (r.lines.length > 0) this.runCommand(r.lines[0], undefined, this.pendingEnters > 0);
      }
    }
  }

  /** Whether typed text is waiting (dropping chunks already taken). */
  private hasInput(): boolean {
    while (this.chunkHead < this.chunks.length && this.chunkPos >= this.chunks[this.chunkHead].length) {
      this.chunkHead++;
      this.chunkPos = 0;
    }
    if (this.chunkHead === this.chunks.length && this.chunkHead > 0) {
      this.chunks = [];
      this.chunkHead = 0;
      this.scanned = 0;
    }
    return this.chunkHead < this.chunks.length;
  }

  /** The next typed character (there is one: hasInput() said so). */
  private take(): string {
    const code = this.chunks[this.chunkHead].codePointAt(this.chunkPos) ?? 0;
    const ch = String.fromCodePoint(code);
    this.chunkPos += ch.length;
    if (ch === "\r") this.pendingEnters--;
    return ch;
  }

  /** Removes the first Ctrl-C typed ahead, searching each chunk once; false when none. */
  private takeCtrlC(): boolean {
    for (let i = Math.max(this.scanned, this.chunkHead); i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      const at = chunk.indexOf(CTRL_C, i === this.chunkHead ? this.chunkPos : 0);
      if (at === -1) continue;
      this.chunks[i] = chunk.slice(0, at) + chunk.slice(at + 1);
      this.scanned = i;
      return true;
    }
    this.scanned = this.chunks.length;
    return false;
  }

  private runCommand(line: string, after?: () => void, more = false): void {
    this.phase = "busy";
    this.pager.reset(this.shell.terminalLength);
    this.outputEndsLine = true;
    const run: Running = { aborted: false, escape: new AbortController() };
    this.running = run;
    const emit = (text: string): void => {
      if (run.aborted || text === "") return;
      this.outputEndsLine = text.endsWith("\n");
      this.out(this.pager.write(text));
    };
    this.shell
      .execute(
        line,
        (text) => emit(text + "\n"),
        (text) => emit(text),
        run.escape.signal,
        { more },
      )
      .catch((err: unknown) => {
        emit(`% Internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        this.onBug(err);
      })
      .finally(() => {
        if (this.running !== run) return; // aborted: the prompt came back already
        after?.();
        this.running = undefined;
        this.settle();
        this.pump();
      });
  }

  /** Ctrl-C while busy: drop the rest of the output and give the prompt back. */
  private abort(): void {
    if (this.pager.paused) this.out(ERASE_MORE);
    this.pager.stop();
    if (this.running) {
      this.running.aborted = true;
      this.running.escape.abort();
      this.running = undefined;
    }
    if (!this.atLineStart) this.out("\r\n");
  }

  /** Back to the prompt once the command is done and its output shown; closes after `exit`. */
  private settle(): void {
    if (this.phase !== "busy" || this.running !== undefined || this.pager.paused) return;
    if (this.shell.closed) {
      this.flush();
      this.phase = "closed";
      this.unsubscribe();
      this.sink.end();
      return;
    }
    this.showPrompt(this.atLineStart ? "" : "\r\n");
  }

  private showPrompt(before: string): void {
    this.phase = "prompt";
    this.out(before + this.editor.redraw());
  }

  /** Ctrl-Z ends configuration mode, running what was typed first (IOS does). */
  private ctrlZ(): void {
    if (!this.shell.configuring) return;
    const line = this.editor.line;
    this.editor.setLine("");
    this.out("^Z\r\n");
    if (line.trim() !== "") this.runCommand(line, () => this.shell.ctrlZ());
    else this.leaveConfigAtPrompt();
  }

  /** Ctrl-C at the prompt throws the typed line away (and leaves configuration mode). */
  private ctrlC(): void {
    this.editor.setLine("");
    this.out("^C\r\n");
    if (this.shell.configuring) this.leaveConfigAtPrompt();
    else this.showPrompt("");
  }

  /** Leaves configuration mode and shows the exec prompt, then %SYS-5-CONFIG_I under it. */
  private leaveConfigAtPrompt(): void {
    this.heldLog = [];
    try {
      this.shell.ctrlZ();
    } finally {
      const held = this.heldLog;
      this.heldLog = undefined;
      this.showPrompt("");
      for (const line of held) this.log(line);
    }
  }

  private log(line: LogLine): void {
    if (this.heldLog) {
      this.heldLog.push(line);
      return;
    }
    const text = this.router.formatLogLine(line);
    switch (this.phase) {
      case "banner":
        this.out(`${text}\r\n`);
        break;
      case "prompt":
        // Print the message on its own line, then the prompt and the half-typed line again.
        this.out(`\r\n${text}\r\n${this.editor.redraw()}`);
        break;
      case "busy": {
        // Among the command's output, on a line of its own. Log lines take no room on the page
        // (a paste that brings up 2,000 interfaces logs 4,000 lines, as IOS does, unpaged);
        // while --More-- waits they wait with the output.
        const lead = this.outputEndsLine ? "" : "\n";
        this.outputEndsLine = true;
        if (this.pager.state === "stopped") this.out(`${this.atLineStart ? "" : "\r\n"}${text}\r\n`);
        else if (this.pager.paused) this.out(this.pager.write(`${lead}${text}\n`));
        else this.out(`${lead ? "\r\n" : ""}${text}\r\n`);
        break;
      }
      case "closed":
        break;
    }
  }

  private out(text: string): void {
    if (text === "" || this.phase === "closed") return;
    if (this.outBuf !== undefined) this.outBuf += text;
    else this.sink.write(telnetText(text));
    // After the --More-- prompt is erased the cursor is back at the start of its line.
    this.atLineStart = text.endsWith("\n") || text.endsWith(ERASE_MORE);
  }

  /** Hands held output to the sink and stops holding. */
  private flush(): void {
    const text = this.outBuf;
    this.outBuf = undefined;
    if (text) this.sink.write(telnetText(text));
  }
}
