import { describe, expect, it } from "vitest";
import { LineEditor } from "./line-editor";

/** A tiny terminal: applies the editor's output to a screen line so tests see what a user sees. */
function screen(prompt = "R1#") {
  let row = "";
  let col = 0;
  const lines: string[] = [];
  const editor = new LineEditor({
    prompt: () => prompt,
    help: (text) => [`  help for "${text}"`],
    complete: (text) => (text === "sh" ? "show " : text === "show ip int" ? "show ip interface " : undefined),
  });
  const apply = (out: string): void => {
    for (const ch of out) {
      if (ch === "\r") col = 0;
      else if (ch === "\n") {
        lines.push(row.trimEnd());
        row = "";
      } else if (ch === "\b") col = Math.max(0, col - 1);
      else if (ch === "\x07") continue;
      else {
        row = row.slice(0, col) + ch + row.slice(col + 1);
        col++;
      }
    }
  };
  apply(prompt);
  return {
    type(text: string) {
      const r = editor.feed(text);
      apply(r.echo);
      if (r.lines.length) apply(prompt); // the shell prints the next prompt
      return r.lines;
    },
    get row() {
      return row.trimEnd();
    },
    get col() {
      return col;
    },
    lines,
    editor,
  };
}

describe("IOS line editing", () => {
  it("echoes typing and hands over the line on Enter", () => {
    const t = screen();
    expect(t.type("show version\r")).toEqual(["show version"]);
    expect(t.lines).toEqual(["R1#show version"]);
  });

  it("echoes a character typed at the end of the line as just that character", () => {
    const editor = new LineEditor({ prompt: () => "R1#", help: () => [], complete: () => undefined });
    expect(editor.feed("s").echo).toBe("s");
    expect(editor.feed("h").echo).toBe("h");
  });

  // Its speed is a benchmark (cli.line-editor.paste-200k-chars), not a timed assertion here.
  it("takes a pasted line of 200,000 characters whole, echoing it once", () => {
    const editor = new LineEditor({ prompt: () => "R1#", help: () => [], complete: () => undefined });
    const long = "x".repeat(200_000);
    const r = editor.feed(long + "\r");
    expect(r.lines).toEqual([long]);
    expect(r.echo).toBe(long + "\r\n");
  });

  it("treats CR LF as one Enter", () => {
    const t = screen();
    expect(t.type("a\r\nb\r\n")).toEqual(["a", "b"]);
  });

  it("moves with Ctrl-A / Ctrl-E and the arrows, inserting in the middle", () => {
    const t = screen();
    t.type("sh run");
    t.type("\x01");
    expect(t.col).toBe(3);
    t.type("\x1b[C\x1b[C");
    t.type("o");
    expect(t.row).toBe("R1#sho run");
    t.type("\x05!");
    expect(t.row).toBe("R1#sho run!");
  });

  it("deletes a word with Ctrl-W and the line with Ctrl-U", () => {
    const t = screen();
    t.type("show ip route");
    t.type("\x17");
    expect(t.row).toBe("R1#show ip");
    t.type("\x15");
    expect(t.row).toBe("R1#");
    expect(t.editor.line).toBe("");
  });

  it("recalls history with up and down arrows, keeping the line being typed", () => {
    const t = screen();
    t.type("show clock\r");
    t.type("show version\r");
    t.type("ping");
    t.type("\x1b[A");
    expect(t.row).toBe("R1#show version");
    t.type("\x1b[A");
    expect(t.row).toBe("R1#show clock");
    t.type("\x1b[B\x1b[B");
    expect(t.row).toBe("R1#ping");
  });

  it("prints help on ? and redraws the line with the prompt", () => {
    const t = screen();
    t.type("show ?");
    expect(t.lines).toEqual(["R1#show ?", '  help for "show "']);
    expect(t.row).toBe("R1#show");
    expect(t.editor.line).toBe("show ");
  });

  it("completes with Tab", () => {
    const t = screen();
    t.type("sh\t");
    expect(t.row).toBe("R1#show");
    t.type("ip int\t");
    expect(t.editor.line).toBe("show ip interface ");
  });

  it("backspaces over the character before the cursor", () => {
    const t = screen();
    t.type("shoow\x7f\x7f");
    expect(t.editor.line).toBe("sho");
    t.type("w\r");
    expect(t.lines.at(-1)).toBe("R1#show");
  });
});
