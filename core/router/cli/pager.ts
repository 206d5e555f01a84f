// IOS's `--More--` pager for a console: command output flows until a screenful (terminal
// length less one line) is shown, then ` --More-- ` waits for a key. Space shows the next
// page, Enter one more line, anything else (q) throws the rest away. The prompt is erased
// with backspaces before output goes on, as IOS does. Pure text in, terminal text out.

export const MORE_PROMPT = " --More-- ";
/** Backspace over the prompt, blank it, and come back: IOS's erase of ` --More-- `. */
export const ERASE_MORE = "\b".repeat(MORE_PROMPT.length) + " ".repeat(MORE_PROMPT.length) + "\b".repeat(MORE_PROMPT.length);

export type PagerState = "flowing" | "paused" | "stopped";

export class Pager {
  private pageLines = 0;
  /** Lines that may still be shown before pausing. */
  private budget = 0;
  private held = "";
  private current: PagerState = "flowing";

  /** `pageLines` is the terminal length; 0 turns paging off (`terminal length 0`). */
  constructor(pageLines = 24) {
    this.reset(pageLines);
  }

  get state(): PagerState {
    return this.current;
  }

  get paused(): boolean {
    return this.current === "paused";
  }

  /** Starts a new command's output with a fresh page. */
  reset(pageLines: number): void {
    this.pageLines = Math.max(0, Math.floor(pageLines));
    this.budget = this.page();
    this.held = "";
    this.current = "flowing";
  }

  /**
   * Command output, lines ended by "\n". Returns what to write to the terminal now (lines
   * ended by "\r\n", and ` --More-- ` when the page is full and more is waiting); the rest
   * is held until a key asks for it, or dropped once the reader has said stop.
   */
  write(text: string): string {
    if (this.current === "stopped") return "";
    if (this.current === "paused") {
      this.held += text;
      return "";
    }
    return this.flow(text);
  }

  /** A key pressed while paused: erases the prompt and shows more, or stops. */
  key(ch: string): string {
    if (this.current !== "paused") return "";
    if (ch === " ") this.budget = this.page();
    else if (ch === "\r" || ch === "\n") this.budget = 1;
    else return ERASE_MORE + this.stop();
    this.current = "flowing";
    const rest = this.held;
    this.held = "";
    return ERASE_MORE + this.flow(rest);
  }

  /** Throws away whatever is held and anything still to come (q, Ctrl-C). */
  stop(): string {
    this.current = "stopped";
    this.held = "";
    return "";
  }

  private page(): number {
    return Math.max(1, this.pageLines - 1);
  }

  private flow(text: string): string {
    if (this.pageLines === 0) return text.replaceAll("\n", "\r\n");
    let out = "";
    let from = 0;
    while (from < text.length) {
      if (this.budget === 0) {
        // The page is full and there is more: wait for the reader.
        this.held = text.slice(from);
        this.current = "paused";
        return out + MORE_PROMPT;
      }
      const nl = text.indexOf("\n", from);
      if (nl === -1) {
        out += text.slice(from);
        break;
      }
      out += text.slice(from, nl) + "\r\n";
      this.budget--;
      from = nl + 1;
    }
    return out;
  }
}
