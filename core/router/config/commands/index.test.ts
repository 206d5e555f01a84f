import { describe, expect, it } from "vitest";
import { MODES } from "../modes";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";
import { ConfigSession } from "../session";
import { KEPT_SINK } from "../testdata/kept-sink";
import { KITCHEN_SINK } from "../testdata/kitchen-sink";
import { configCommands, configGrammar } from "./index";

const significant = (t: string) => t.split("\n").filter((l) => l.trim() !== "" && l.trim() !== "!");

describe("the command declarations", () => {
  it("have unique ids and name only known modes", () => {
    const ids = configCommands.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const modes = new Set(MODES.map((m) => m.id));
    for (const c of configCommands) {
      for (const m of typeof c.mode === "string" ? [c.mode] : c.mode) expect(modes.has(m), `${c.id} lives in ${m}`).toBe(true);
      if (typeof c.enters === "string") expect(modes.has(c.enters), `${c.id} enters ${c.enters}`).toBe(true);
    }
  });

  it("compile, with one help string per token", () => {
    expect(() => configGrammar()).not.toThrow();
  });

  it("are all exercised by the kitchen-sink configs, which read cleanly", () => {
    const used = new Set<string>();
    for (const sink of [KITCHEN_SINK, KEPT_SINK]) {
      const s = new ConfigSession();
      text: for (const line of sink.split("\n")) {
        const r = s.execute(line);
        expect(r.error, line).toBeUndefined();
        if (r.command) used.add(r.command.id);
        if (r.command?.id === "nav.end") break text;
      }
    }
    const unused = configCommands.filter((c) => !used.has(c.id) && !c.id.startsWith("nav.") && !c.hidden).map((c) => c.id);
    expect(unused).toEqual([]);
  });

  it.each([
    ["kitchen-sink", KITCHEN_SINK],
    ["kept-sink", KEPT_SINK],
  ])("render the %s config back line for line, and stably", (_name, sink) => {
    const first = parseConfig(sink);
    expect(first.diagnostics).toEqual([]);
    const text = renderRunningConfig(first.model);
    expect(significant(text)).toEqual(significant(sink));
    // written the way IOS prints it, it comes back byte for byte, `!` lines included
    expect(text).toBe(sink);
    const again = parseConfig(text);
    expect(again.model).toEqual(first.model);
    expect(JSON.parse(JSON.stringify(first.model))).toEqual(first.model);
    expect(renderRunningConfig(again.model)).toBe(text);
  });

  it("accept the old hidden spellings and render the current ones", () => {
    const r = parseConfig("no ip domain-lookup\nip domain-name old.example\n");
    expect(r.diagnostics).toEqual([]);
    expect(renderRunningConfig(r.model)).toContain("no ip domain lookup\nip domain name old.example\n");
  });
});
