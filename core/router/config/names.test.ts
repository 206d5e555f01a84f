import { describe, expect, it } from "vitest";
import { ConfigSession } from "./session";

function run(lines: readonly string[]): { session: ConfigSession; errors: string[] } {
  const session = new ConfigSession();
  const errors: string[] = [];
  for (const l of lines) {
    const r = session.execute(l);
    if (r.error) errors.push(r.error.message);
  }
  return { session, errors };
}

describe("IOS limits on names and text", () => {
  it("takes an RFC 1123 hostname of up to 63 characters", () => {
    const name = "R" + "x".repeat(61) + "1";
    const { session, errors } = run([`hostname ${name}`]);
    expect(errors).toEqual([]);
    expect(session.model.hostname).toBe(name);
    expect(run(["hostname R3-Spoke1"]).session.model.hostname).toBe("R3-Spoke1");
  });

  it("refuses a hostname that starts with a digit, ends with a hyphen or holds other characters, and keeps the old one", () => {
    for (const bad of ["1R", "R1-", "R_1", "R1.lab", "-R"]) {
      const { session, errors } = run(["hostname R1", `hostname ${bad}`]);
      expect(errors, bad).toEqual(["% Hostname contains one or more illegal characters."]);
      expect(session.model.hostname).toBe("R1");
    }
  });

  it("refuses a hostname longer than 63 characters, however long", () => {
    for (const n of [64, 100_000]) {
      const { session, errors } = run([`hostname R${"x".repeat(n - 1)}`]);
      expect(errors).toEqual(["% Hostname is longer than 63 characters."]);
      expect(session.model.hostname).toBe("Router");
    }
  });

  it("refuses a name or text with a NUL or another control character as invalid input", () => {
    const { session, errors } = run(["hostname R\u00001", "interface Ethernet0/0", "description up\u0007link"]);
    expect(errors).toEqual(["% Invalid input detected at '^' marker.", "% Invalid input detected at '^' marker."]);
    expect(session.model.hostname).toBe("Router");
    expect(session.model.interfaces["Ethernet0/0"].description).toBeUndefined();
  });

  it("takes an interface description of up to 240 characters and refuses a longer one", () => {
    const ok = "d".repeat(240);
    const { session, errors } = run(["interface Ethernet0/0", `description ${ok}`, `description ${ok}x`, "description x".padEnd(100_000, "y")]);
    expect(errors).toEqual(["% Description is longer than 240 characters.", "% Description is longer than 240 characters."]);
    expect(session.model.interfaces["Ethernet0/0"].description).toBe(ok);
  });

  it("limits BGP neighbor descriptions to 80 characters and route-map comments to 100, as their help says", () => {
    const { session, errors } = run([
      "router bgp 65000",
      "neighbor 10.0.0.2 remote-as 65001",
      `neighbor 10.0.0.2 description ${"n".repeat(81)}`,
      `neighbor 10.0.0.2 description ${"n".repeat(80)}`,
      "route-map RM permit 10",
      `description ${"r".repeat(101)}`,
      `description ${"r".repeat(100)}`,
    ]);
    expect(errors).toEqual(["% Description is longer than 80 characters.", "% Description is longer than 100 characters."]);
    expect(session.model.bgp?.neighbors["10.0.0.2"].description).toHaveLength(80);
    expect(session.model.routeMaps.RM[0].description).toHaveLength(100);
  });

  it("limits VRF names to 32 characters and VRF descriptions to 244", () => {
    const name = "v".repeat(32);
    const { session, errors } = run([`vrf definition ${name}x`, `vrf definition ${name}`, `description ${"d".repeat(245)}`, `description ${"d".repeat(244)}`]);
    expect(errors).toEqual(["% VRF name is longer than 32 characters.", "% Description is longer than 244 characters."]);
    expect(Object.keys(session.model.vrfs)).toEqual([name]);
    expect(session.model.vrfs[name].description).toHaveLength(244);
  });
});
