// `flexlab capture` on a running lab (labs/mpls-over-flexvpn-shortcuts, process runtime), as an
// engineer uses it while R3-Spoke1 pings R4-Spoke's LAN: on the WAN port with --esp-keys, the
// esp_sa file decrypts the port's ESP in tshark and in `flexlab decode --esp-keys`, NHRP
// inside; on Tunnel0 and on the spoke-to-spoke Virtual-Access the packets are in clear (Linux
// cooked, GRE device), MPLS-labelled pings and NHRP, which tshark and `flexlab decode` read
// alike without a malformed packet. tshark parts skip themselves where it is missing.
import { spawn, spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PI_WARN } from "../../core/router/wire/testdata/tshark";
import { ROOT, execUntil, exampleLabCopies, flexlab } from "../support/example-lab-e2e";

const hasTshark = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;
const labCopy = exampleLabCopies("mpls-over-flexvpn-shortcuts");
let dir = "";

beforeAll(async () => {
  dir = await labCopy(`capture-${process.pid}`);
  const up = await flexlab(dir, ["up", ".", "--runtime", "process"]);
  expect(up.code, up.stderr).toBe(0);
  await execUntil(dir, "R3-Spoke1", "show ip route vrf cust1", /^B\* +0\.0\.0\.0\/0 /m);
  await execUntil(dir, "R4-Spoke", "show ip route vrf cust1", /^B\* +0\.0\.0\.0\/0 /m);
}, 180_000);
afterAll(async () => {
  if (dir !== "") await flexlab(dir, ["down"]);
}, 60_000);

interface Capture {
  readonly file: string;
  /** Ctrl-C, as an engineer ends a capture; resolves with the command's exit status and stderr. */
  stop(): Promise<{ code: number | null; stderr: string }>;
}

/** Starts `flexlab capture NODE IFACE -w FILE [extra]` and resolves once it is capturing (the
 * file holds the interface's description, written when the router has started the capture). */
async function startCapture(node: string, iface: string, name: string, extra: string[] = []): Promise<Capture> {
  const file = join(dir, name);
  const child = spawn(process.execPath, [join(ROOT, "bin/flexlab.mjs"), "capture", node, iface, "-w", file, ...extra], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
  const label = `${node} ${iface}`;
  for (let i = 0; i < 300; i++) {
    const bytes = await readFile(file).catch(() => Buffer.alloc(0));
    if (bytes.includes(label)) return { file, stop: () => (child.kill("SIGINT"), exited) };
    if (child.exitCode !== null) throw new Error(`flexlab capture exited ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGINT");
  throw new Error(`flexlab capture did not start in 30 s: ${stderr}`);
}

async function exec(node: string, command: string): Promise<string> {
  const r = await flexlab(dir, ["exec", node, command]);
  expect(r.code, `${node}: ${command}\n${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

function tshark(file: string, fields: readonly string[], filter?: string, options: readonly string[] = []): string[][] {
  const args = ["-r", file, ...options, ...(filter === undefined ? [] : ["-Y", filter]), "-T", "fields", "-E", "separator=|", "-E", "aggregator=,", ...fields.flatMap((f) => ["-e", f])];
  const r = spawnSync("tshark", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("|"));
}

/** `flexlab decode`'s lines without their number and time. */
async function decodeLines(args: string[]): Promise<string[]> {
  const r = await flexlab(dir, ["decode", ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split("\n").map((l) => l.replace(/^ *\d+ \d+\.\d{6} /, ""));
}

describe("flexlab capture on labs/mpls-over-flexvpn-shortcuts (process runtime)", () => {
  let wan: Capture;
  let tunnel: Capture;
  let wanStop: { code: number | null; stderr: string };
  let tunnelStop: { code: number | null; stderr: string };
  const espSa = (): string => join(dir, "esp_sa");

  it("captures R3's WAN port with its ESP keys and Tunnel0 in clear through the first ping's NHRP exchange", async () => {
    wan = await startCapture("R3-Spoke1", "Ethernet0/0", "r3-wan.pcapng", ["--esp-keys", espSa()]);
    tunnel = await startCapture("R3-Spoke1", "Tunnel0", "r3-tunnel0.pcapng");
    expect(await exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1")).toMatch(/Success rate is [1-9]\d* percent/);
    await execUntil(dir, "R3-Spoke1", "show ip nhrp", /^192\.168\.114\.0\/24 via /m);
    wanStop = await wan.stop();
    tunnelStop = await tunnel.stop();
    expect(wanStop.code, wanStop.stderr).toBe(0);
    expect(wanStop.stderr).toMatch(/^\d+ frames captured on R3-Spoke1 Ethernet0\/0 into .*r3-wan\.pcapng$/m);
    // R3's SA with the hub and, by the end, the one with R4: both directions of each.
    expect(wanStop.stderr).toMatch(/^([4-9]|\d\d+) ESP SAs written to .*esp_sa \(Wireshark: /m);
    expect(tunnelStop.code, tunnelStop.stderr).toBe(0);
    expect(tunnelStop.stderr).toMatch(/^\d+ frames captured on R3-Spoke1 Tunnel0 into /m);
    const keys = (await readFile(espSa(), "utf8")).split("\n").filter((l) => l !== "");
    for (const line of keys) expect(line).toMatch(/^"IPv4","172\.16\.\d+\.\d+","172\.16\.\d+\.\d+","0x[0-9a-f]{8}","[^"]+","0x[0-9a-f]+","[^"]+","[^"]*"$/);
  }, 120_000);

  it("--esp-keys: flexlab decode opens the WAN capture's ESP with the written file and finds the NHRP exchange inside", async () => {
    const opaque = await decodeLines([wan.file]);
    expect(opaque.filter((l) => /ESP spi 0x[0-9a-f]{8} seq \d+$/.test(l)).length).toBeGreaterThan(0);
    const lines = await decodeLines([wan.file, "--esp-keys", espSa()]);
    expect(lines.filter((l) => /ESP spi 0x[0-9a-f]{8} seq \d+$/.test(l))).toEqual([]);
    const nhrp = lines.filter((l) => l.includes(" / NHRP "));
    expect(nhrp).toContainEqual(expect.stringMatching(/^Ethernet \/ IPv4 \/ ESP spi \S+ seq \d+ \/ GRE \/ NHRP Traffic Indication redirect /));
    expect(nhrp).toContainEqual(expect.stringMatching(/^Ethernet \/ IPv4 \/ ESP spi \S+ seq \d+ \/ GRE \/ NHRP Resolution Request id \d+ 10\.1\.1\.\d+ > 192\.168\.114\.1 /));
    expect(nhrp).toContainEqual(expect.stringMatching(/^Ethernet \/ IPv4 \/ ESP spi \S+ seq \d+ \/ GRE \/ NHRP Resolution Reply id \d+ .*192\.168\.114\.0\/24 via 10\.1\.1\.\d+ label \d+$/));
  }, 60_000);

  it.skipIf(!hasTshark)("--esp-keys: tshark decrypts the WAN capture with the written esp_sa lines, every ICV good, NHRP inside", async () => {
    const uat = (await readFile(espSa(), "utf8")).split("\n").filter((l) => l !== "").flatMap((line) => ["-o", `uat:esp_sa:${line}`]);
    const options = ["-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE", ...uat];
    const esp = tshark(wan.file, ["esp.icv_good", "frame.protocols"], "esp", options);
    expect(esp.length).toBeGreaterThan(4);
    for (const [icv, protocols] of esp) {
      expect(icv).toBe("1");
      expect(protocols).toMatch(/^eth:ethertype:ip:esp:gre:(mpls|nhrp|ip)/);
    }
    expect(new Set(tshark(wan.file, ["nhrp.hdr.op.type"], "nhrp", options).map(([t]) => t.split(",")[0]))).toEqual(new Set(["8", "1", "2"]));
    expect(tshark(wan.file, ["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`, options)).toEqual([]);
  }, 60_000);

  it("on Tunnel0, flexlab decode shows the packets in clear behind a cooked header: labelled pings and NHRP", async () => {
    const lines = await decodeLines([tunnel.file]);
    expect(lines.every((l) => l.startsWith("Linux cooked / "))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^Linux cooked \/ MPLS \d+ \/ IPv4 \/ ICMP echo$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Linux cooked \/ NHRP Traffic Indication redirect 10\.0\.0\.1 > 192\.168\.113\.1 vrf label \d+ /));
    expect(lines).toContainEqual(expect.stringMatching(/^Linux cooked \/ NHRP Resolution Request id \d+ 10\.1\.1\.\d+ > 192\.168\.114\.1 vrf label \d+$/));
  }, 60_000);

  it.skipIf(!hasTshark)("on Tunnel0, tshark reads the same chains (SLL of a GRE device), nothing malformed", () => {
    const chains = tshark(tunnel.file, ["frame.protocols", "sll.hatype"]);
    expect(chains.length).toBeGreaterThan(0);
    for (const [protocols, hatype] of chains) {
      expect(hatype).toBe("778");
      expect(protocols).toMatch(/^sll:(nhrp|mpls:ip:icmp|ip:tcp:bgp)/); // BGP keepalives too, if one fell in the window
    }
    expect(chains.map(([p]) => p.split(":")[1])).toEqual(expect.arrayContaining(["nhrp", "mpls"]));
    expect(tshark(tunnel.file, ["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
  });

  it("on the spoke-to-spoke Virtual-Access, the pings go labelled both ways, in tshark as in flexlab decode", async () => {
    // The Virtual-Access CEF sends R4's prefix out of, and every one R3 has (the replies come
    // in on the session R4 sends them over, which may be another if both spokes initiated).
    const out = /TAG midchain out of (Virtual-Access\d+)/.exec(await exec("R3-Spoke1", "show ip cef vrf cust1 192.168.114.0 detail"))?.[1];
    expect(out).toBeDefined();
    const vas = [...(await exec("R3-Spoke1", "show ip interface brief")).matchAll(/^(Virtual-Access\d+) /gm)].map((m) => m[1]);
    expect(vas).toContain(out);
    const captures = [];
    for (const va of vas) captures.push(await startCapture("R3-Spoke1", va, `r3-${va}.pcapng`));
    expect(await exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1")).toContain("Success rate is 100 percent (5/5)");
    const pings: string[] = [];
    const theirs: string[] = [];
    for (const [i, capture] of captures.entries()) {
      const stopped = await capture.stop();
      expect(stopped.code, stopped.stderr).toBe(0);
      const lines = (await decodeLines([capture.file])).filter((l) => l.includes("ICMP"));
      expect(lines.every((l) => /^Linux cooked \/ MPLS \d+ \/ IPv4 \/ ICMP echo( reply)?$/.test(l)), lines.join("\n")).toBe(true);
      if (vas[i] === out) expect(lines.filter((l) => l.endsWith("echo"))).toHaveLength(5);
      pings.push(...lines);
      if (!hasTshark) continue;
      theirs.push(...tshark(capture.file, ["sll.pkttype", "icmp.type"], "icmp").map(([pkttype, type]) => `${pkttype} ${type}`));
      expect(tshark(capture.file, ["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
    }
    expect(pings.filter((l) => l.endsWith("echo"))).toHaveLength(5);
    expect(pings.filter((l) => l.endsWith("echo reply"))).toHaveLength(5);
    // Sent echoes (packet type 4, outgoing) and received replies (0, to us).
    if (hasTshark) expect(theirs.sort()).toEqual([...Array(5).fill("0 0"), ...Array(5).fill("4 8")]);
  }, 90_000);
});
