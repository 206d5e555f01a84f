import { describe, expect, it } from "vitest";
import { parseConfig } from "../parse";
import { renderRunningConfig } from "../render";

describe("BGP match lists", () => {
  it("keep community lines in order, one list per name or number, and render them back", () => {
    const r = parseConfig(
      [
        "ip community-list standard CUST permit 65000:100 no-export",
        "ip community-list standard CUST deny 65000:666",
        "ip community-list 10 permit 100",
        "ip community-list 120 deny ^65001:",
        "ip as-path access-list 7 deny _64666_",
        "ip as-path access-list 7 permit .*",
      ].join("\n"),
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.model.communityLists?.CUST.entries).toEqual([
      { action: "permit", communities: [65000 * 65536 + 100, 0xffffff01] },
      { action: "deny", communities: [65000 * 65536 + 666] },
    ]);
    const out = renderRunningConfig(r.model);
    // A plain number is a community too, shown as aa:nn.
    expect(out).toContain("ip community-list 10 permit 0:100\nip community-list 120 deny ^65001:\nip community-list standard CUST permit 65000:100 no-export\nip community-list standard CUST deny 65000:666\n");
    expect(out).toContain("ip as-path access-list 7 deny _64666_\nip as-path access-list 7 permit .*\n");
  });

  it("remove one line, or the whole list, with no", () => {
    const base = "ip community-list standard CUST permit 65000:100\nip community-list standard CUST deny 65000:666\nip as-path access-list 7 deny _64666_\nip as-path access-list 7 permit .*\n";
    const one = parseConfig(`${base}no ip community-list standard CUST deny 65000:666\nno ip as-path access-list 7 permit .*\n`);
    expect(one.model.communityLists?.CUST.entries).toEqual([{ action: "permit", communities: [65000 * 65536 + 100] }]);
    expect(one.model.asPathLists?.["7"]).toEqual([{ action: "deny", regexp: "_64666_" }]);
    const all = parseConfig(`${base}no ip community-list standard CUST\nno ip as-path access-list 7\n`);
    expect(all.model.communityLists).toBeUndefined();
    expect(all.model.asPathLists).toBeUndefined();
  });

  it("refuse a regular expression the engine cannot read, a community out of range, and a list of the other kind", () => {
    const r = parseConfig(["ip as-path access-list 1 permit ^(65001", "ip community-list standard X permit 65536:1", "ip community-list standard Y permit 1:1", "ip community-list expanded Y permit _1:"].join("\n"));
    expect(r.diagnostics.map((d) => `${d.line} ${d.message}`)).toEqual([
      `1 % Invalid regular expression "^(65001": missing ')'`,
      "2 % Invalid input detected at '^' marker.",
      "4 % Community list Y already exists as standard",
    ]);
  });
});
