import { describe, expect, it } from "vitest";
import { completionsAt } from "./editor";

describe("completionsAt", () => {
  const text = ["hostname R1", "interface Ethernet0/0", " ip ", " ip nhrp re", "router bgp 1", " neighbor 1.1.1.1 "].join("\n");

  it("offers the block's commands first, then the enclosing modes'", () => {
    const c = completionsAt(text, 3, 5);
    expect(c.mode).toBe("config-if");
    const labels = c.items.map((i) => i.label);
    expect(labels).toContain("address");
    expect(labels).toContain("route");
    expect(labels.indexOf("address")).toBeLessThan(labels.indexOf("route"));
  });

  it("completes a partial word", () => {
    expect(completionsAt(text, 4, 12).words).toEqual(["redirect", "registration"]);
  });

  it("knows the mode a later block is in", () => {
    const c = completionsAt(text, 6, 19);
    expect(c.mode).toBe("router-bgp");
    expect(c.items.map((i) => i.label)).toContain("remote-as");
  });
});
