import { describe, expect, it } from "vitest";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";

describe("ip prefix-list", () => {
  it("numbers lines 5 apart when no seq is given, and shows every line with its seq", () => {
    const r = parseConfig("ip prefix-list LAN permit 192.168.1.0/24\nip prefix-list LAN permit 10.0.0.0/8 ge 16 le 24\nip prefix-list LAN seq 7 deny 0.0.0.0/0 le 32\n");
    expect(r.diagnostics).toEqual([]);
    expect(renderRunningConfig(r.model)).toContain("ip prefix-list LAN seq 5 permit 192.168.1.0/24\nip prefix-list LAN seq 7 deny 0.0.0.0/0 le 32\nip prefix-list LAN seq 10 permit 10.0.0.0/8 ge 16 le 24\n");
  });

  it("refuses a range that does not fit the prefix length, as IOS words it", () => {
    const r = parseConfig("ip prefix-list X permit 10.0.0.0/16 ge 8\n");
    expect(r.diagnostics.map((d) => d.message)).toEqual(["% Invalid prefix range for 10.0.0.0/16, make sure: len < ge-value <= le-value"]);
  });

  it("removes one line by seq, and the whole list by name", () => {
    const r = parseConfig("ip prefix-list A permit 10.0.0.0/8\nip prefix-list A permit 11.0.0.0/8\nno ip prefix-list A seq 5\nip prefix-list B permit 12.0.0.0/8\nno ip prefix-list B\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.model.prefixLists).toEqual({ A: [{ seq: 10, action: "permit", prefix: { addr: 11 << 24, len: 8 } }] });
  });
});
