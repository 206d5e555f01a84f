import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem, LabFileError, loadLab, parseLab } from "./topology";

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
    expect(out.some((p) => /^lab\.yaml:2:10: runtime: runtime is one of auto, docker, process, sim, kubernetes, swarm$/.test(p))).toBe(true);
    expect(out.some((p) => /^lab\.yaml:1:1: .*colour/.test(p))).toBe(true);
  });

  it("reads hosted: (routers per process) and a node's own process (hosted: false)", () => {
    const text = good.replace("nodes:", "runtime: process\nhosted: 50\nnodes:").replace("INET:      { kind: router, config: INET.cfg }", "INET:      { kind: router, config: INET.cfg, hosted: false }");
    const lab = parseLab(text, "lab.yaml", "/labs/x");
    expect(lab.hosted).toBe(50);
    expect(lab.nodes.map((n) => n.hosted)).toEqual([undefined, false, undefined]);
    expect(parseLab(good, "lab.yaml", "/labs/x").hosted).toBeUndefined();
  });

  it("rejects a hosted: that is not a count of routers", () => {
    expect(problems(good.replace("nodes:", "hosted: 0\nnodes:"))).toEqual(["lab.yaml:2:9: hosted: hosted is how many routers share one process, 1 to 1000"]);
    expect(problems(good.replace("nodes:", "hosted: yes\nnodes:"))).toEqual(["lab.yaml:2:9: hosted: hosted is how many routers share one process, 1 to 1000"]);
    expect(problems(good.replace("INET.cfg }", "INET.cfg, hosted: 3 }"))[0]).toMatch(/^lab\.yaml:4:\d+: nodes\.INET\.hosted: hosted is true or false/);
  });

  it("reads a swarm lab's registry and a node's placement labels, and says what is wrong with them", () => {
    const swarm = good.replace("nodes:", "runtime: swarm\nregistry: registry.lab:5000/team\nnodes:").replace("config: INET.cfg }", "config: INET.cfg, placement: { site: core } }");
    const lab = parseLab(swarm, "lab.yaml", "/labs/x");
    expect(lab.runtime).toBe("swarm");
    expect(lab.registry).toBe("registry.lab:5000/team");
    expect(lab.nodes.find((n) => n.name === "INET")?.placement).toEqual({ site: "core" });
    expect(lab.nodes.find((n) => n.name === "R1-HUB")?.placement).toBeUndefined();
    expect(problems(good.replace("nodes:", "registry: http://x y\nnodes:")).join("\n")).toMatch(/registry: registry is HOST\[:PORT\]\[\/PATH\]/);
    expect(problems(good.replace("config: INET.cfg }", "config: INET.cfg, placement: { site: 3 } }")).join("\n")).toMatch(/placement\.site: a placement label value is text/);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(problems("name: x\nnodes: [\n")[0]).toMatch(/^lab\.yaml:\d+:\d+: /);
    const duplicate = "name: x\nnodes:\n  R1: { kind: router, config: R1.cfg }\n  R1: { kind: router, config: R2.cfg }\n";
    expect(problems(duplicate)).toEqual(["lab.yaml:4:3: Map keys must be unique"]);
  });

  it("says a name that is not text is not text, rather than missing", () => {
    expect(problems(good.replace("name: mpls-over-flexvpn", "name: 123"))).toEqual(['lab.yaml:1:7: name: name must be text (a letter or digit, then letters, digits, \'.\', \'_\' or \'-\', at most 63 in all); quote a number: "123"']);
    expect(problems(good.replace("name: mpls-over-flexvpn\n", ""))[0]).toMatch(/: name is required$/);
  });

  it("knows only the nodes the file defines, whatever their name (constructor, toString, __proto__)", () => {
    for (const name of ["constructor", "toString", "hasOwnProperty"]) {
      expect(problems(good.replace("R3-Spoke1:Ethernet0/0]", `${name}:Ethernet0/0]`)), name).toEqual([`lab.yaml:8:35: links[1].endpoints[1]: node "${name}" is not defined under nodes`]);
    }
    const lab = parseLab(good.replace(/R3-Spoke1/g, "constructor"), "lab.yaml", "/labs/x");
    expect(lab.nodes.map((n) => n.name)).toEqual(["R1-HUB", "INET", "constructor"]);
    expect(problems(good.replace("INET:      {", "__proto__: {"))).toEqual([`lab.yaml:4:3: "__proto__" is not a name a lab file can use (a letter or digit, then letters, digits, '.', '_' or '-', at most 63 in all)`]);
  });

  it("names node names by one rule, and refuses two that differ only in case", () => {
    expect(problems(good.replace("INET:      {", "-INET:     {"))).toEqual(["lab.yaml:4:14: nodes.-INET: a node name is a letter or digit, then letters, digits, '.', '_' or '-', at most 63 in all"]);
    expect(problems(good.replace("INET:      {", `${"N".repeat(64)}: {`))[0]).toMatch(/a node name is a letter or digit/);
    expect(problems(good.replace("INET:      {", "r1-hub:    {"))).toContain('lab.yaml:4:14: nodes.r1-hub: node "r1-hub" differs from node "R1-HUB" only in case');
  });

  it("accepts only physical ports as link endpoints", () => {
    for (const iface of ["Null0", "Loopback0", "Tunnel0", "Virtual-Access1", "Virtual-Template1", "Ethernet0/0.10"]) {
      expect(problems(good.replace("INET:Ethernet0/1,", `INET:${iface},`)), iface).toEqual([`lab.yaml:8:17: links[1].endpoints[0]: ${iface} cannot be a link endpoint: links join physical ports (e.g. Ethernet0/1, GigabitEthernet1)`]);
    }
    expect(problems(good.replace("INET:Ethernet0/1,", "INET:lo0,"))[0]).toContain("Loopback0 cannot be a link endpoint");
  });

  it("reads each node's platform and port count, IOL by default, and links abbreviated port names", () => {
    const text = good
      .replace("R1-HUB:    { kind: router, config: R1-HUB.cfg }", "R1-HUB:    { kind: router, config: R1-HUB.cfg, platform: csr1000v, ports: 6 }")
      .replace("INET:      { kind: router, config: INET.cfg }", "INET:      { kind: router, config: INET.cfg, platform: c7200 }")
      .replace("R1-HUB:Ethernet0/0, INET:Ethernet0/0", "R1-HUB:Gi1, INET:fa0/0");
    const lab = parseLab(text, "lab.yaml", "/labs/x");
    expect(lab.nodes.map((n) => [n.name, n.platform, n.ports])).toEqual([
      ["R1-HUB", "csr1000v", 6],
      ["INET", "c7200", undefined],
      ["R3-Spoke1", "iol", undefined],
    ]);
    expect(lab.links[0].endpoints).toEqual([
      { node: "R1-HUB", iface: "GigabitEthernet1" },
      { node: "INET", iface: "FastEthernet0/0" },
    ]);
  });

  it("refuses an unknown platform and more ports than the platform has", () => {
    expect(problems(good.replace("config: INET.cfg }", "config: INET.cfg, platform: asr9k }"))).toEqual(["lab.yaml:4:58: nodes.INET.platform: platform is one of iol, iosv, csr1000v, c8000v, c7200"]);
    expect(problems(good.replace("config: INET.cfg }", "config: INET.cfg, platform: iosv, ports: 40 }"))).toEqual(["lab.yaml:4:71: nodes.INET.ports: a node of platform iosv has at most 16 ports"]);
  });

  it("refuses an alias bomb with one positioned line instead of expanding it", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    const out = problems(`${good}${bomb}\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^lab\.yaml:\d+:\d+: .*alias/);
    const many = `${good}x: &x 1\ny: [${Array(101).fill("*x").join(", ")}]\n`;
    expect(problems(many)).toEqual([expect.stringMatching(/^lab\.yaml:\d+:\d+: more than 100 aliases/)]);
  });

  it("keeps every config path inside the lab folder", () => {
    expect(problems(good.replace("config: INET.cfg", "config: ../victim/victim.cfg"))).toEqual(['lab.yaml:4:38: nodes.INET.config: config "../victim/victim.cfg" is outside the lab folder: a node\'s config is a file in it']);
    expect(problems(good.replace("config: INET.cfg", "config: /etc/passwd"))).toEqual(['lab.yaml:4:38: nodes.INET.config: config "/etc/passwd" is an absolute path: a node\'s config is a file in the lab folder']);
    expect(problems(good.replace("config: INET.cfg", "config: ."))).toEqual(['lab.yaml:4:38: nodes.INET.config: config "." names a folder, not a config file']);
    expect(problems(good.replace("config: INET.cfg", 'config: ""'))).toEqual(["lab.yaml:4:38: nodes.INET.config: config must name the node's startup-config file, in the lab folder"]);
    expect(parseLab(good.replace("config: INET.cfg", "config: sub/../INET.cfg"), "lab.yaml", "/labs/x").nodes[1].config).toBe("sub/../INET.cfg");
  });

  it("reports every problem on one line", () => {
    const texts = [good.replace("nodes:", "nodes:\n  bad name: {}"), "name: [\n", "\t- x", good.replace("kind: router", "kind: switch")];
    for (const text of texts) for (const p of problems(text)) expect(p, text).not.toContain("\n");
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

describe("loading a lab folder", () => {
  const scratch = mkdtempSync(join(tmpdir(), "flexlab-topology-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const two = (config: string): string => `name: two\nnodes:\n  R1: { kind: router, config: ${config} }\n  R2: { kind: router, config: R2.cfg }\n`;

  function labWith(name: string, config: string): string {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "R2.cfg"), "hostname R2\n");
    writeFileSync(join(dir, "lab.yaml"), two(config));
    return dir;
  }

  async function loadProblems(dir: string): Promise<string[]> {
    try {
      await loadLab(dir);
    } catch (err) {
      if (err instanceof LabFileError) return err.problems.map((p) => formatProblem(p).replaceAll(dir, "LAB"));
      throw err;
    }
    return [];
  }

  it("names a missing config file at its line", async () => {
    expect(await loadProblems(labWith("missing", "R1.cfg"))).toEqual(["LAB/lab.yaml:3:31: nodes.R1.config: R1.cfg: no such file in LAB"]);
  });

  it("refuses a symlink that leads outside the lab folder, and follows one that stays inside", async () => {
    mkdirSync(join(scratch, "victim"), { recursive: true });
    writeFileSync(join(scratch, "victim/victim.cfg"), "hostname VICTIM\n");
    const escaping = labWith("escaping", "R1.cfg");
    symlinkSync(join(scratch, "victim/victim.cfg"), join(escaping, "R1.cfg"));
    expect(await loadProblems(escaping)).toEqual([expect.stringMatching(/^LAB\/lab\.yaml:3:31: nodes\.R1\.config: config "R1\.cfg" leads outside the lab folder \(to .*victim\/victim\.cfg\)/)]);

    const folder = labWith("escaping-folder", "configs/R1.cfg");
    symlinkSync(join(scratch, "victim"), join(folder, "configs"));
    writeFileSync(join(scratch, "victim/R1.cfg"), "hostname R1\n");
    expect((await loadProblems(folder))[0]).toContain('config "configs/R1.cfg" leads outside the lab folder');

    const inside = labWith("inside", "R1.cfg");
    mkdirSync(join(inside, "configs"));
    writeFileSync(join(inside, "configs/real.cfg"), "hostname R1\n");
    symlinkSync("configs/real.cfg", join(inside, "R1.cfg"));
    const lab = await loadLab(inside);
    expect(lab.nodes.map((n) => n.config)).toEqual(["configs/real.cfg", "R2.cfg"]);
  });

  it("refuses a folder as a config, and a lab.yaml that is not a lab file", async () => {
    const dir = labWith("folder", "sub");
    mkdirSync(join(dir, "sub"));
    expect(await loadProblems(dir)).toEqual(['LAB/lab.yaml:3:31: nodes.R1.config: config "sub" is not a file']);
    const huge = labWith("huge", "R1.cfg");
    writeFileSync(join(huge, "R1.cfg"), "");
    truncateSync(join(huge, "R1.cfg"), 9 * 1024 * 1024);
    expect(await loadProblems(huge)).toEqual(['LAB/lab.yaml:3:31: nodes.R1.config: config "R1.cfg" is larger than 8 MB; not a router config']);
    expect(await loadProblems(join(scratch, "nowhere"))).toEqual(["LAB/lab.yaml:1:1: no lab file here (expected lab.yaml)"]);
  });
});
