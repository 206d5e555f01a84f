// Property: corrupt one character of a valid configuration line and IOS's caret lands at or
// before the corrupted character, with the invalid-input message. Words where free text is
// accepted (a description, a name) are left alone: any character is valid there.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configGrammar } from "./commands/index";
import { splitWords, type ModeId } from "./grammar/engine";
import { INVALID_INPUT } from "./grammar/errors";
import { modeChain } from "./modes";
import { parseConfig } from "./parse";
import { SEED_CONFIGS } from "./testdata/seed-lab";

interface Site {
  readonly config: string;
  readonly lines: readonly string[];
  readonly index: number;
  readonly mode: ModeId;
  /** Column of the character to corrupt. */
  readonly at: number;
}

const grammar = configGrammar();

/** Whether some mode the line may land in takes free text (or nothing) at this word. */
function takesFreeText(mode: ModeId, before: string): boolean {
  for (const m of modeChain(mode)) {
    const h = grammar.help(m, before);
    if (h.kind !== "list") continue;
    if (h.items.length === 0 || h.items.some((i) => i.label === "WORD" || i.label === "LINE")) return true;
  }
  return false;
}

function sites(): Site[] {
  const out: Site[] = [];
  for (const [config, text] of Object.entries(SEED_CONFIGS)) {
    const lines = text.split("\n");
    const { modes } = parseConfig(text);
    lines.forEach((line, index) => {
      const t = line.trim();
      if (t === "" || t.startsWith("!") || t === "end") return;
      for (const w of splitWords(line)) {
        if (takesFreeText(modes[index], line.slice(0, w.start))) continue;
        for (let k = 0; k < w.text.length; k++) out.push({ config, lines, index, mode: modes[index], at: w.start + k });
      }
    });
  }
  return out;
}

describe("the caret of a one-character typo", () => {
  const all = sites();

  it("has many places to test", () => {
    expect(all.length).toBeGreaterThan(1500);
  });

  it("is at or before the corrupted character, under IOS's invalid-input message", () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.constantFrom("#", "*", "~", "^", "?", "\""), (site, ch) => {
        const line = site.lines[site.index];
        const corrupted = line.slice(0, site.at) + ch + line.slice(site.at + 1);
        // in the grammar, in the line's own mode
        const own = grammar.match(site.mode, corrupted);
        expect(own).toEqual({ ok: false, error: { kind: "invalid", column: expect.any(Number) } });
        if (!own.ok) expect(own.error.column).toBeLessThanOrEqual(site.at);
        // every mode it could fall back to stops there or earlier too
        for (const m of modeChain(site.mode)) {
          const r = grammar.match(m, corrupted);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error.column).toBeLessThanOrEqual(site.at);
        }
        // and end to end, through the config parser
        const text = [...site.lines.slice(0, site.index), corrupted].join("\n");
        const diags = parseConfig(text).diagnostics;
        expect(diags).toHaveLength(1);
        expect(diags[0].line).toBe(site.index + 1);
        expect(diags[0].message).toBe(INVALID_INPUT);
        expect(diags[0].column - 1).toBeLessThanOrEqual(site.at);
      }),
      { numRuns: 400 },
    );
  });

  it("is exactly under the first character that stops matching a keyword", () => {
    const s = (line: string) => {
      const r = grammar.match("config", line);
      return r.ok ? -1 : r.error.column;
    };
    expect(s("interface Ethernet0/0")).toBe(-1);
    expect(s("interfaxe Ethernet0/0")).toBe(7);
    expect(s("interface Ethernet0/77")).toBe(18);
    expect(s("interface Ethernat0/0")).toBe(16);
    expect(s("router bgq 10")).toBe(9);
    expect(s("router bgp 0")).toBe(11);
    expect(s("ip route 10.0.0.0 255.0.0.0 Null0 tag x")).toBe(38);
  });
});
