import { describe, expect, it } from "vitest";
import { formatProblem, LabFileError, parseLab } from "./topology";

function problems(text: string): string[] {
  try {
    parseLab(text, "lab.yaml", "/labs/x");
  } catch (err) {
    if (err instanceof LabFileError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

const good = `name: mpls-over-flexvpn
nodes:
  R1-HUB:    { kind: router, config: R1-HUB.cfg }
  INET:      { kind: router, config: INET.cfg }
  R3-Spoke1: { kind: router, config: R3-Spoke1.cfg }
links:
  - endpoints: [R1-HUB:Ethernet0/0, INET:Ethernet0/0]
  - endpoints: [INET:Ethernet0/1, R3-Spoke1:Ethernet0/0]
`;

describe("lab.yaml", () => {
  it("reads nodes, links and the default runtime", () => {
    const lab = parseLab(good, "lab.yaml", "/labs/x");
    expect(lab.runtime).toBe("auto");
    expect(lab.nodes.map((n) => n.name)).toEqual(["R1-HUB", "INET", "R3-Spoke1"]);
    expect(lab.links[1].endpoints).toEqual([
      { node: "INET", iface: "Ethernet0/1" },
      { node: "R3-Spoke1", iface: "Ethernet0/0" },
    ]);
  });

  it("names the line, column and field of a link to an unknown node", () => {
    const text = good.replace("R3-Spoke1:Ethernet0/0]", "R9:Ethernet0/0]");
    expect(problems(text)).toEqual(['lab.yaml:8:35: links[1].endpoints[1]: node "R9" is not defined under nodes']);
  });

  it("rejects an endpoint used twice", () => {
    const text = good.replace("INET:Ethernet0/1,", "INET:Ethernet0/0,");
    expect(problems(text)[0]).toMatch(/^lab\.yaml:8:17: links\[1\]\.endpoints\[0\]: INET:Ethernet0\/0 is already used by links\[0\]\.endpoints\[1\]$/);
  });

  it("rejects an unknown runtime and an unknown key, naming each", () => {
    const out = problems(good.replace("nodes:", "runtime: vmware\ncolour: red\nnodes:"));
    expect(out.some((p) => /^lab\.yaml:2:10: runtime: runtime is one of auto, docker, process, sim$/.test(p))).toBe(true);
    expect(out.some((p) => /^lab\.yaml:1:1: .*colour/.test(p))).toBe(true);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(problems("name: x\nnodes: [\n")[0]).toMatch(/^lab\.yaml:\d+:\d+: /);
  });

  it("canonicalises abbreviated interface names once, and names a bad one", () => {
    const lab = parseLab(good.replace("INET:Ethernet0/1,", "INET:e0/1,"), "lab.yaml", "/labs/x");
    expect(lab.links[1].endpoints[0]).toEqual({ node: "INET", iface: "Ethernet0/1" });
    expect(problems(good.replace("INET:Ethernet0/1,", "INET:Serial0/1,"))[0]).toMatch(/links\[1\]\.endpoints\[0\]: "Serial0\/1" is not an interface name a router knows/);
    expect(problems(good.replace("INET:Ethernet0/1,", "INET:e0/0,"))[0]).toMatch(/INET:Ethernet0\/0 is already used by links\[0\]\.endpoints\[1\]/);
  });

  it("requires an endpoint to look like NODE:INTERFACE", () => {
    expect(problems(good.replace("INET:Ethernet0/0]", "INET-Ethernet0/0]"))[0]).toMatch(/links\[0\]\.endpoints\[1\]: an endpoint is "NODE:INTERFACE"/);
  });
});
