import { describe, expect, it } from "vitest";
import { configCompletions, configHover, configMarkers } from "./ios-language";

describe("the config editor's language, from the router's grammar", () => {
  it("marks a mistyped word with IOS's caret message, from the caret (where it stops matching a keyword) to the word's end", () => {
    const text = "hostname R4\ninterface Loopback0\n ip adress 10.1.1.1 255.255.255.255\n";
    expect(configMarkers(text)).toEqual([{ startLineNumber: 3, startColumn: 7, endLineNumber: 3, endColumn: 11, message: "% Invalid input detected at '^' marker.", severity: "error" }]);
  });

  it("has nothing to say about a config the router takes", () => {
    expect(configMarkers("hostname R4\ninterface Loopback0\n ip address 10.1.1.1 255.255.255.255\n!\nend\n")).toEqual([]);
  });

  it("completes what the router's ? would offer in the line's mode", () => {
    const items = configCompletions("interface Loopback0\n ip ", 2, 5);
    expect(items.map((i) => i.label)).toContain("address");
    expect(items.find((i) => i.label === "address")).toMatchObject({ insertText: "address", keyword: true });
  });

  it("explains the word under the cursor with the grammar's help text", () => {
    expect(configHover("hostname R4\n", 1, 3)).toMatch(/^\*\*hostname\*\* — \S/);
    expect(configHover("   \n", 1, 2)).toBeUndefined();
  });
});
