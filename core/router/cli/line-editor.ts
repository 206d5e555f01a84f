// IOS-style line editing for a console: the keys an engineer's fingers know (arrows,
// history, Ctrl-A/E/U/W/K/B/F/D/P/N, backspace), `?` for help and Tab for completion. Pure:
// it turns input text into output text for the terminal and finished lines, so the telnet
// console, the app's xterm and tests all share it.

export interface LineEditorHooks {
  /** The prompt to show, e.g. "R1(config-if)#". */
  prompt(): string;
  /** `?` pressed with `text` before it: the help lines to print (the line is redrawn after). */
  help(text: string): string[];
  /** Tab pressed: the completed text, or undefined when nothing completes uniquely. */
  complete(text: string): string | undefined;
}

const HISTORY_SIZE = 20; // IOS `terminal history size` default is 10; 20 is kinder and harmless
const ESC = "\x1b";

export class LineEditor {
  private buf = "";
  private cursor = 0;
  private history: string[] = [];
  private historyPos = -1; // -1: editing a new line
  private saved = ""; // the new line while browsing history
  private escape = ""; // a partial escape sequence
  private lastWasCr = false;

  constructor(private readonly hooks: LineEditorHooks) {}

  /** The text typed so far on the current line. */
  get line(): string {
    return this.buf;
  }

  /**
   * Feeds typed characters. Returns what to write to the terminal and the lines that were
   * finished by Enter (already added to history when not empty).
   */
  feed(input: string): { echo: string; lines: string[] } {
    let echo = "";
    const lines: string[] = [];
    for (const ch of input) {
      if (this.escape) {
        this.escape += ch;
        const done = this.escapeDone();
        if (done !== undefined) {
          echo += this.onEscape(done);
          this.escape = "";
        }
        continue;
      }
      if (ch === "\n" && this.lastWasCr) {
        this.lastWasCr = false;
        continue; // CR LF counts once
      }
      this.lastWasCr = ch === "\r";
      switch (ch) {
        case ESC:
          this.escape = ESC;
          break;
        case "\r":
        case "\n": {
          const line = this.buf;
          echo += "\r\n";
          if (line.trim() && this.history[this.history.length - 1] !== line) {
            this.history.push(line);
            if (this.history.length > HISTORY_SIZE) this.history.shift();
          }
          this.buf = "";
          this.cursor = 0;
          this.historyPos = -1;
          lines.push(line);
          break;
        }
        case "\x01": // Ctrl-A: start of line
          echo += this.moveTo(0);
          break;
        case "\x05": // Ctrl-E: end of line
          echo += this.moveTo(this.buf.length);
          break;
        case "\x02": // Ctrl-B: back a character
          echo += this.moveTo(this.cursor - 1);
          break;
        case "\x06": // Ctrl-F: forward a character
          echo += this.moveTo(this.cursor + 1);
          break;
        case "\x10": // Ctrl-P: previous history
          echo += this.recall(1);
          break;
        case "\x0e": // Ctrl-N: next history
          echo += this.recall(-1);
          break;
        case "\x15": // Ctrl-U: delete to start of line
        case "\x18": // Ctrl-X (IOS: same)
          echo += this.replace(this.buf.slice(this.cursor), 0);
          break;
        case "\x0b": // Ctrl-K: delete to end of line
          echo += this.replace(this.buf.slice(0, this.cursor), this.cursor);
          break;
        case "\x17": {
          // Ctrl-W: delete the word before the cursor
          let start = this.cursor;
          while (start > 0 && this.buf[start - 1] === " ") start--;
          while (start > 0 && this.buf[start - 1] !== " ") start--;
          echo += this.replace(this.buf.slice(0, start) + this.buf.slice(this.cursor), start);
          break;
        }
        case "\x04": // Ctrl-D: delete the character under the cursor
          if (this.cursor < this.buf.length) echo += this.replace(this.buf.slice(0, this.cursor) + this.buf.slice(this.cursor + 1), this.cursor);
          break;
        case "\x7f":
        case "\b":
          if (this.cursor > 0) echo += this.replace(this.buf.slice(0, this.cursor - 1) + this.buf.slice(this.cursor), this.cursor - 1);
          break;
        case "\x0c": // Ctrl-L: redraw
          echo += "\r\n" + this.redraw();
          break;
        case "\t": {
          const done = this.hooks.complete(this.buf.slice(0, this.cursor));
          if (done !== undefined) echo += this.replace(done + this.buf.slice(this.cursor), done.length);
          else echo += "\x07";
          break;
        }
        case "?": {
          const before = this.buf.slice(0, this.cursor);
          const out = this.hooks.help(before);
          echo += "?\r\n" + out.map((l) => l + "\r\n").join("") + this.redraw();
          break;
        }
        default:
          if (ch < " ") break;
          if (this.cursor === this.buf.length) {
            // Typing at the end (a paste): append and echo, which is what replace would work
            // out by comparing the whole line, per character, for a line's length squared.
            this.buf += ch;
            this.cursor++;
            echo += ch;
          } else echo += this.replace(this.buf.slice(0, this.cursor) + ch + this.buf.slice(this.cursor), this.cursor + 1);
      }
    }
    return { echo, lines };
  }

  /** Draws the prompt and the current line afresh (after output interrupted it). */
  redraw(): string {
    return this.hooks.prompt() + this.buf + "\b".repeat(this.buf.length - this.cursor);
  }

  /** Puts text on the line as if typed (IOS reprints a partial command after `?`). */
  setLine(text: string): void {
    this.buf = text;
    this.cursor = text.length;
  }

  /** The commands of this session's history, oldest first (`show history`). */
  historyLines(): readonly string[] {
    return this.history;
  }

  private escapeDone(): string | undefined {
    const e = this.escape;
    if (e.length === 2 && e[1] !== "[" && e[1] !== "O") return e; // ESC-b, ESC-f and friends
    if (e.length >= 3 && /[A-Za-z~]$/.test(e)) return e;
    if (e.length > 8) return e; // garbage: drop it
    return undefined;
  }

  private onEscape(seq: string): string {
    switch (seq.slice(1)) {
      case "[A":
      case "OA":
        return this.recall(1);
      case "[B":
      case "OB":
        return this.recall(-1);
      case "[C":
      case "OC":
        return this.moveTo(this.cursor + 1);
      case "[D":
      case "OD":
        return this.moveTo(this.cursor - 1);
      case "[H":
      case "[1~":
        return this.moveTo(0);
      case "[F":
      case "[4~":
        return this.moveTo(this.buf.length);
      case "[3~":
        return this.feed("\x04").echo;
      case "b": {
        let i = this.cursor;
        while (i > 0 && this.buf[i - 1] === " ") i--;
        while (i > 0 && this.buf[i - 1] !== " ") i--;
        return this.moveTo(i);
      }
      case "f": {
        let i = this.cursor;
        while (i < this.buf.length && this.buf[i] === " ") i++;
        while (i < this.buf.length && this.buf[i] !== " ") i++;
        return this.moveTo(i);
      }
      default:
        return "";
    }
  }

  private recall(direction: 1 | -1): string {
    const next = this.historyPos + direction;
    if (next < -1 || next >= this.history.length) return "\x07";
    if (this.historyPos === -1) this.saved = this.buf;
    this.historyPos = next;
    const text = next === -1 ? this.saved : this.history[this.history.length - 1 - next];
    return this.replace(text, text.length);
  }

  private moveTo(pos: number): string {
    const target = Math.max(0, Math.min(this.buf.length, pos));
    let out = "";
    if (target < this.cursor) out = "\b".repeat(this.cursor - target);
    else if (target > this.cursor) out = this.buf.slice(this.cursor, target);
    this.cursor = target;
    return out;
  }

  /** Replaces the whole line with `text`, cursor at `cursor`, with minimal terminal output:
   * rewrite from the first changed character, blank what is left of the old line, then
   * back up to the cursor (typing at the end of the line echoes just the character). */
  private replace(text: string, cursor: number): string {
    const old = this.buf;
    let common = 0;
    while (common < old.length && common < text.length && old[common] === text[common]) common++;
    let out = this.moveTo(Math.min(common, this.cursor));
    const from = this.cursor;
    const tail = text.slice(from);
    const erase = Math.max(0, old.length - text.length);
    out += tail + " ".repeat(erase);
    out += "\b".repeat(from + tail.length + erase - cursor);
    this.buf = text;
    this.cursor = cursor;
    return out;
  }
}
