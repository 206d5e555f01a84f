import { describe, expect, it } from "vitest";
import { ERASE_MORE, MORE_PROMPT, Pager } from "./pager";

function lines(from: number, to: number): string {
  let text = "";
  for (let i = from; i <= to; i++) text += `line ${i}\n`;
  return text;
}

function shown(from: number, to: number): string {
  return lines(from, to).replaceAll("\n", "\r\n");
}

describe("the --More-- pager", () => {
  it("shows a screenful less one line, then --More--", () => {
    const pager = new Pager(24);
    expect(pager.write(lines(1, 30))).toBe(shown(1, 23) + MORE_PROMPT);
    expect(pager.paused).toBe(true);
  });

  it("shows the next page on space, erasing the prompt first", () => {
    const pager = new Pager(5);
    pager.write(lines(1, 12));
    expect(pager.key(" ")).toBe(ERASE_MORE + shown(5, 8) + MORE_PROMPT);
    expect(pager.key(" ")).toBe(ERASE_MORE + shown(9, 12));
    expect(pager.paused).toBe(false);
  });

  it("shows one more line on Enter", () => {
    const pager = new Pager(5);
    pager.write(lines(1, 6));
    expect(pager.key("\r")).toBe(ERASE_MORE + shown(5, 5) + MORE_PROMPT);
    expect(pager.key("\r")).toBe(ERASE_MORE + shown(6, 6));
  });

  it("throws the rest away on q or any other key, output still coming included", () => {
    const pager = new Pager(5);
    pager.write(lines(1, 10));
    expect(pager.key("q")).toBe(ERASE_MORE);
    expect(pager.state).toBe("stopped");
    expect(pager.write(lines(11, 12))).toBe("");
  });

  it("holds output that arrives while paused and shows it in order", () => {
    const pager = new Pager(3);
    expect(pager.write(lines(1, 3))).toBe(shown(1, 2) + MORE_PROMPT);
    expect(pager.write("line 4\n")).toBe("");
    expect(pager.key(" ")).toBe(ERASE_MORE + shown(3, 4));
  });

  it("does not pause when the output ends exactly at the end of a page", () => {
    const pager = new Pager(4);
    expect(pager.write(lines(1, 3))).toBe(shown(1, 3));
    expect(pager.paused).toBe(false);
  });

  it("pauses before text that continues a line, such as ping's exclamation marks", () => {
    const pager = new Pager(3);
    expect(pager.write(lines(1, 2))).toBe(shown(1, 2));
    expect(pager.write("!!!")).toBe(MORE_PROMPT);
    expect(pager.key("\r")).toBe(ERASE_MORE + "!!!");
  });

  it("never pauses with terminal length 0", () => {
    const pager = new Pager(0);
    expect(pager.write(lines(1, 100))).toBe(shown(1, 100));
  });

  it("starts each command on a fresh page", () => {
    const pager = new Pager(3);
    pager.write(lines(1, 5));
    pager.key("q");
    pager.reset(3);
    expect(pager.write(lines(1, 2))).toBe(shown(1, 2));
  });
});
