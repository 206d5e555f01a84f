// The engineer's first two commands, run as they would run them: `flexlab config check` on
// the seed configs and `flexlab sim` on the two-router lab.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { copyExampleLabSync } from "../../core/lab/testdata/example-lab";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const flexlab = join(root, "bin/flexlab.mjs");
// The seed lab's configs as the repo ships them (labs/mpls-over-flexvpn), checked below to be
// the reference's byte for byte where the team's shared folder sits beside the clone.
const seed = join(root, "labs/mpls-over-flexvpn");
const reference = resolve(root, "../shared/reference/seed-lab");
const SEED_FILES = ["R1-HUB.cfg", "R3-Spoke1.cfg", "R4-Spoke.cfg"];
const scratch = mkdtempSync(join(tmpdir(), "flexlab-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function flex(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [flexlab, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("flexlab config check", () => {
  it("accepts the three seed configs exactly as given", async () => {
    const r = await flex(["config", "check", ...SEED_FILES.map((f) => join(seed, f))]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("3 files checked: no errors");
    expect(r.code).toBe(0);
  });

  it("prints FILE:LINE:COL with IOS's error and exits 1 for a bad line", async () => {
    const file = join(scratch, "bad.cfg");
    writeFileSync(file, "hostname X\ninterface Ethernet0/0\n ip adress 10.0.0.1 255.255.255.0\n");
    const r = await flex(["config", "check", file]);
    expect(r.stdout).toBe(`${file}:3:7: % Invalid input detected at '^' marker.\n`);
    expect(r.code).toBe(1);
  });

  it("reports every file's problems as JSON with --json", async () => {
    const file = join(scratch, "bad-json.cfg");
    writeFileSync(file, "hostname X\nfrob\n");
    const r = await flex(["config", "check", "--json", file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ errors: 1, files: [{ file, lines: 3, problems: [{ file, line: 2, column: 1, severity: "error", message: "% Invalid input detected at '^' marker." }] }] });
  });

  it.runIf(existsSync("/dev/zero"))("refuses /dev/zero as too large instead of running out of memory", async () => {
    const r = await flex(["config", "check", "/dev/zero"]);
    expect(r.stdout).toBe("/dev/zero:1:1: % larger than 8 MB; not a router config\n");
    expect(r.code).toBe(1);
  });

  it("lists lines with no effect in a lab only when asked, as warnings", async () => {
    const file = join(seed, "R1-HUB.cfg");
    const r = await flex(["config", "check", "--warnings", file]);
    expect(r.stdout).toMatch(/R1-HUB\.cfg:\d+:1: warning: "ip cef" has no effect in a lab/);
    expect(r.code).toBe(0);
  });
});

describe.skipIf(!existsSync(reference))(`the seed lab's configs${existsSync(reference) ? "" : " (skipped: no shared/reference/seed-lab beside the clone)"}`, () => {
  it("are the guide's, exactly as given", () => {
    for (const f of SEED_FILES) expect(readFileSync(join(seed, f), "utf8"), f).toBe(readFileSync(join(reference, f), "utf8"));
  });
});

describe("flexlab sim", () => {
  it("pings across the two-router lab with !!!!!", async () => {
    const r = await flex(["sim", "labs/two-routers", "--exec", "R1: ping 10.0.12.2", "--exec", "R2: show ip interface brief"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("R1#ping 10.0.12.2\n");
    expect(r.stdout).toContain("!!!!!\nSuccess rate is 100 percent (5/5)");
    expect(r.stdout).toMatch(/^R2#show ip interface brief\nInterface {14}IP-Address {6}OK\? Method Status {16}Protocol\n/m);
  });

  it("exits 1 when a router rejects a command, naming it", async () => {
    const r = await flex(["sim", "labs/two-routers", "--exec", "R1: shw ip route", "--exec", "R2: show", "--exec", "R1: show clock"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("R1#shw ip route\n     ^\n% Invalid input detected at '^' marker.\n");
    expect(r.stderr).toContain("flexlab: R1: % Invalid input detected at '^' marker. (shw ip route)\n");
    expect(r.stderr).toContain('flexlab: R2: % Type "show ?" for a list of subcommands (show)\n');
  });

  it("prints the lab, the settle time and each command's output as JSON with --json", async () => {
    const r = await flex(["sim", "labs/two-routers", "--advance", "5s", "--json", "--exec", "R1: ping 10.0.12.2", "--exec", "R2: frob"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { lab: string; settledMs: number; configErrors: unknown[]; execs: { node: string; command: string; output: string; rejected?: string }[] };
    expect(out.lab).toBe("two-routers");
    expect(out.settledMs).toBeLessThanOrEqual(5000);
    expect(out.configErrors).toEqual([]);
    expect(out.execs[0]).toMatchObject({ node: "R1", command: "ping 10.0.12.2" });
    expect(out.execs[0].output).toContain("Success rate is 100 percent (5/5)");
    expect(out.execs[0].rejected).toBeUndefined();
    expect(out.execs[1]).toMatchObject({ node: "R2", command: "frob", rejected: "% Unknown command or computer name, or unable to find computer address" });
  });

  it("writes memory into the lab folder atomically", async () => {
    const lab = join(scratch, "lab");
    copyExampleLabSync("two-routers", lab);
    chmodSync(join(lab, "R1.cfg"), 0o600);
    const r = await flex(["sim", lab, "--exec", "R1: configure terminal", "--exec", "R1: interface Loopback9", "--exec", "R1: ip address 9.9.9.9 255.255.255.255", "--exec", "R1: end", "--exec", "R1: write memory"]);
    expect(r.stdout).toContain("Building configuration...\n[OK]");
    const saved = readFileSync(join(lab, "R1.cfg"), "utf8");
    expect(saved).toContain("interface Loopback9\n ip address 9.9.9.9 255.255.255.255\n");
    expect(statSync(join(lab, "R1.cfg")).mode & 0o7777).toBe(0o600); // saving keeps the file's mode
  });

  it("never reads or writes a config outside the lab folder", async () => {
    const victim = join(scratch, "victim");
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, "victim.cfg"), "hostname VICTIM\n");
    const lab = join(scratch, "reaching");
    copyExampleLabSync("two-routers", lab);
    writeFileSync(join(lab, "lab.yaml"), readFileSync(join(lab, "lab.yaml"), "utf8").replace("config: R1.cfg", "config: ../victim/victim.cfg"));
    const r = await flex(["sim", lab, "--exec", "R1: write memory"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${join(lab, "lab.yaml")}:5:31: nodes.R1.config: config "../victim/victim.cfg" is outside the lab folder: a node's config is a file in it\n`);
    expect(readFileSync(join(victim, "victim.cfg"), "utf8")).toBe("hostname VICTIM\n");
  });

  it("names the file, line and field of a bad lab file", async () => {
    const lab = join(scratch, "badlab");
    copyExampleLabSync("two-routers", lab);
    writeFileSync(join(lab, "lab.yaml"), readFileSync(join(lab, "lab.yaml"), "utf8").replace("R2:Ethernet0/0", "R9:Ethernet0/0"));
    const r = await flex(["sim", lab]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lab\.yaml:\d+:\d+: links\[0\]\.endpoints\[1\]: node "R9" is not defined under nodes/);
  });
});
