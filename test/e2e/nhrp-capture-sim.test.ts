// Issue 12's capture: labs/mpls-over-flexvpn-shortcuts in the `sim` runtime, the WAN ports of
// the hub and both spokes tapped while R3-Spoke1 sends its first cust1 ping to R4-Spoke's LAN,
// and the routers' ESP keys exported as Wireshark's esp_sa file. Everything NHRP says travels
// in GRE inside ESP: tshark, given the keys, finds the hub's traffic indication to R3, R3's
// resolution request to the hub and the hub's copy forwarded to R4, and R4's reply to R3 over
// the new spoke-to-spoke session, with FlexLab's label extension as vendor-private data and
// nothing malformed; `flexlab decode --esp-keys` shows the same packets with the labels. And
// `flexlab sim --capture` writes such captures itself: a port from boot, Tunnel0 and a
// Virtual-Access cloned during the run in clear, with --esp-keys.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { formatEspSa } from "../../core/api/tables";
import { startSimLab } from "../../core/lab/runtime/sim";
import { copyExampleLabSync } from "../../core/lab/testdata/example-lab";
import { loadLab } from "../../core/lab/topology";
import { TapNic } from "../../core/router/io/tap";
import { ipsecSubsystem } from "../../core/router/ipsec/subsystem";
import { FLEXLAB_LABEL_OUI } from "../../core/router/wire/nhrp-labels";
import { LinkType } from "../../core/router/wire/pcap";
import { PcapngWriter } from "../../core/router/wire/pcapng";
import { PI_WARN } from "../../core/router/wire/testdata/tshark";

const root = resolve(import.meta.dirname, "../..");
const hasTshark = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "flexlab-nhrp-capture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WAN_PORTS = [
  ["R1-HUB", "Ethernet0/0"],
  ["R3-Spoke1", "Ethernet0/0"],
  ["R4-Spoke", "Ethernet0/0"],
] as const;

interface Captured {
  /** One pcapng per port, as `flexlab capture` writes them, in WAN_PORTS' order. */
  readonly files: readonly string[];
  readonly espSa: string;
  readonly espSaFile: string;
  /** R4-Spoke's label for 192.168.114.0/24 (its BGP VPNv4 label, which NHRP hands out too). */
  readonly r4Label: string;
}

/** The first ping's NHRP exchange on the three WAN ports, as `flexlab capture --esp-keys` writes it per port. */
async function captureExchange(): Promise<Captured> {
  const labDir = join(dir, "lab");
  copyExampleLabSync("mpls-over-flexvpn-shortcuts", labDir);
  const frames: { port: number; ms: number; frame: Uint8Array }[] = [];
  let recording = false;
  let now = (): number => 0;
  const { sim } = await startSimLab(await loadLab(labDir), (node, iface, nic) => {
    const port = WAN_PORTS.findIndex(([n, i]) => n === node && i === iface);
    if (port < 0) return nic;
    const tap = new TapNic(nic);
    tap.addTap((frame) => {
      if (recording) frames.push({ port, ms: now(), frame: frame.slice() });
    });
    return tap;
  });
  now = () => sim.clock.now();
  try {
    sim.settle(60_000);
    const r4Label = /^(\d+) +No Label +192\.168\.114\.0\/24\[V\]/m.exec(await sim.exec("R4-Spoke", "show mpls forwarding-table"))?.[1];
    expect(r4Label).toBeDefined();
    recording = true;
    expect(await sim.exec("R3-Spoke1", "ping vrf cust1 192.168.114.1 source 192.168.113.1")).toContain("Success rate is 100 percent (5/5)");
    sim.advance(3000);
    recording = false;
    // Every SA the three routers hold: the spokes' with the hub since boot, and the new one between the spokes.
    const espSa = formatEspSa(WAN_PORTS.flatMap(([node]) => sim.node(node).router.subsystem(ipsecSubsystem).espKeyRows()));
    const files = WAN_PORTS.map(([node, iface], port) => {
      const chunks: Uint8Array[] = [];
      const writer = new PcapngWriter((c) => chunks.push(c));
      const id = writer.addInterface(`${node} ${iface}`, LinkType.Ethernet, { tsresol: 9 });
      for (const f of frames) if (f.port === port) writer.writePacket(id, f.ms, f.frame);
      const file = join(dir, `${node}-${iface.replace("/", "_")}.pcapng`);
      writeFileSync(file, Buffer.concat(chunks));
      return file;
    });
    const espSaFile = join(dir, "esp_sa");
    writeFileSync(espSaFile, espSa);
    return { files, espSa, espSaFile, r4Label: r4Label! };
  } finally {
    sim.close();
  }
}

let capture: Promise<Captured> | undefined;
const captured = (): Promise<Captured> => (capture ??= captureExchange());

/** tshark's fields per frame of `file` matching `filter`, decrypting ESP with the captured keys. */
function tshark(c: Captured, file: string, fields: readonly string[], filter: string): string[][] {
  const uat = c.espSa.split("\n").filter((l) => l !== "").flatMap((line) => ["-o", `uat:esp_sa:${line}`]);
  const r = spawnSync(
    "tshark",
    [
      "-r", file,
      "-o", "esp.enable_encryption_decode:TRUE",
      "-o", "esp.enable_authentication_check:TRUE",
      ...uat,
      "-Y", filter,
      "-T", "fields", "-E", "separator=|", "-E", "aggregator=,",
      ...fields.flatMap((f) => ["-e", f]),
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("|"));
}

/** `flexlab decode` as a command: its exit status and output. */
async function flexlabDecode(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, "bin/flexlab.mjs"), "decode", ...args], { cwd: root, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The NHRP packets each port sent, in order: "src > dst type". */
function sentNhrp(c: Captured): string[][] {
  const own = ["172.16.0.1", "172.16.1.103", "172.16.1.104"];
  return c.files.map((file, port) =>
    tshark(c, file, ["ip.src", "ip.dst", "nhrp.hdr.op.type"], `nhrp && ip.src == ${own[port]}`).map(([src, dst, type]) => `${src.split(",")[0]} > ${dst.split(",")[0]} ${type.split(",")[0]}`),
  );
}

describe("a capture of the NHRP exchange of labs/mpls-over-flexvpn-shortcuts (sim)", () => {
  it.skipIf(!hasTshark)("decrypts in tshark to NHRP in GRE: the redirect, the request to the hub and forwarded to R4, R4's reply to R3", async () => {
    const c = await captured();
    const [hub, r3, r4] = sentNhrp(c);
    // R3's ping: the hub redirects R3, R3 resolves through the hub, which forwards the request
    // to R4, and R4 answers R3 directly. R4's echo replies come back via the hub too, so the
    // way back goes the same way, mirrored.
    expect(hub).toEqual([
      "172.16.0.1 > 172.16.1.103 8",
      "172.16.0.1 > 172.16.1.104 1",
      "172.16.0.1 > 172.16.1.104 8",
      "172.16.0.1 > 172.16.1.103 1",
    ]);
    expect(r3).toEqual(["172.16.1.103 > 172.16.0.1 1", "172.16.1.103 > 172.16.1.104 2"]);
    expect(r4).toEqual(["172.16.1.104 > 172.16.0.1 1", "172.16.1.104 > 172.16.1.103 2"]);
    for (const file of c.files) {
      for (const [icv, protocols] of tshark(c, file, ["esp.icv_good", "frame.protocols"], "nhrp")) {
        expect(icv).toBe("1"); // the ICV tshark computed with the exported keys matches
        expect(protocols).toMatch(/^eth:ethertype:ip:esp:gre:nhrp/);
      }
    }
  }, 120_000);

  it.skipIf(!hasTshark)("shows the label extension as FlexLab's vendor-private data, and nothing malformed or warned about", async () => {
    const c = await captured();
    const types = new Set<string>();
    for (const file of c.files) {
      expect(tshark(c, file, ["frame.number", "_ws.col.Info", "_ws.expert.message"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
      for (const [type, vendor, checksum] of tshark(c, file, ["nhrp.hdr.op.type", "nhrp.vendor_ext.id", "nhrp.hdr.chksum.status"], "nhrp")) {
        types.add(type.split(",")[0]);
        expect(vendor.split(",")[0]).toBe(String(FLEXLAB_LABEL_OUI));
        expect(checksum.split(",").every((s) => s === "1")).toBe(true);
      }
    }
    expect(types).toEqual(new Set(["8", "1", "2"]));
  }, 120_000);

  it("flexlab decode --esp-keys opens every ESP packet and shows the NHRP inside with its labels", async () => {
    const c = await captured();
    const [, r3File] = c.files;
    const plain = await flexlabDecode([r3File]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain("NHRP");
    const decrypted = await flexlabDecode([r3File, "--esp-keys", c.espSaFile]);
    expect(decrypted.code).toBe(0);
    const lines = decrypted.stdout.trimEnd().split("\n").map((l) => l.replace(/^ *\d+ \d+\.\d{6} /, ""));
    // No ESP left opaque: each one's SA is in the file, its ICV verified and its payload decoded.
    expect(lines.filter((l) => /ESP spi 0x[0-9a-f]{8} seq \d+$/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes("/ ESP ")).length).toBeGreaterThan(10);
    const nhrp = lines.filter((l) => l.includes("/ NHRP "));
    const esp = String.raw`Ethernet / IPv4 / ESP spi 0x[0-9a-f]{8} seq \d+ / GRE / NHRP`;
    expect(nhrp).toEqual([
      expect.stringMatching(new RegExp(String.raw`^${esp} Traffic Indication redirect 10\.0\.0\.1 > 192\.168\.113\.1 vrf label \d+ \(IPv4 192\.168\.113\.1 > 192\.168\.114\.1 ICMP\)$`)),
      expect.stringMatching(new RegExp(String.raw`^${esp} Resolution Request id \d+ 10\.1\.1\.\d+ > 192\.168\.114\.1 vrf label \d+$`)),
      expect.stringMatching(new RegExp(String.raw`^${esp} Resolution Request id \d+ 10\.1\.1\.\d+ > 192\.168\.113\.1 vrf label \d+$`)),
      expect.stringMatching(new RegExp(String.raw`^${esp} Resolution Reply id \d+ 10\.1\.1\.\d+ > 192\.168\.113\.1, 192\.168\.113\.0/24 via 10\.1\.1\.\d+ label \d+$`)),
      expect.stringMatching(new RegExp(String.raw`^${esp} Resolution Reply id \d+ 10\.1\.1\.\d+ > 192\.168\.114\.1, 192\.168\.114\.0/24 via 10\.1\.1\.\d+ label ${c.r4Label}$`)),
    ]);
    // The detail of R4's reply: its CIE with R4's label, the responder's tunnel address implicit-null.
    const verbose = await flexlabDecode([r3File, "--esp-keys", c.espSaFile, "--verbose"]);
    expect(verbose.code).toBe(0);
    const reply = verbose.stdout.split(/\n(?=\s*\d+ \d+\.\d{6} )/).find((p) => /Resolution Reply .*192\.168\.114\.0\/24/.test(p));
    expect(reply).toMatch(/^ {4}ESP\n(?: {8}.*\n)* {8}decrypted: true\n(?: {8}.*\n)* {8}nextHeader: 47\n/m);
    expect(reply).toMatch(new RegExp(String.raw`^ {8}cies: \[\{ code: success \(0\), prefixLength: 24, nbma: 172\.16\.1\.104, protocol: 10\.1\.1\.\d+, .*, label: Label: ${c.r4Label} \}\]$`, "m"));
    expect(reply).toMatch(/^ {8}responder: \{ code: success \(0\), prefixLength: 32, nbma: 172\.16\.1\.104, .*, label: implicit-null \}$/m);
    expect(reply).toMatch(new RegExp(String.raw`^ {8}cieLabels: \[Label: ${c.r4Label}, implicit-null\]$`, "m"));
  }, 120_000);
});

describe("flexlab sim --capture on labs/mpls-over-flexvpn-shortcuts", () => {
  it("writes R3's WAN port (ESP, with --esp-keys), Tunnel0 and the Virtual-Access cloned during the run, the tunnels in clear", async () => {
    const labDir = join(dir, "sim-capture-lab");
    copyExampleLabSync("mpls-over-flexvpn-shortcuts", labDir);
    const file = (name: string): string => join(dir, name);
    const r = spawnSync(
      process.execPath,
      [
        join(root, "bin/flexlab.mjs"), "sim", labDir,
        "--exec", "R3-Spoke1: ping vrf cust1 192.168.114.1 source 192.168.113.1",
        "--exec", "R3-Spoke1: ping vrf cust1 192.168.114.1 source 192.168.113.1",
        "--capture", `R3-Spoke1:e0/0=${file("sim-wan.pcapng")}`,
        "--capture", `R3-Spoke1:Tu0=${file("sim-tunnel0.pcapng")}`,
        "--capture", `R3-Spoke1:Virtual-Access1=${file("sim-va1.pcapng")}`,
        "--esp-keys", file("sim-esp_sa"),
      ],
      { cwd: root, encoding: "utf8", env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\d+ frames captured on R3-Spoke1 Ethernet0\/0 into .*sim-wan\.pcapng$/m);
    expect(r.stderr).toMatch(/^\d+ frames captured on R3-Spoke1 Virtual-Access1 into .*sim-va1\.pcapng$/m);
    expect(r.stderr).toMatch(/^4 ESP SAs written to .*sim-esp_sa /m); // R3 with the hub and with R4, both ways
    const decoded = async (args: string[]): Promise<string> => {
      const d = await flexlabDecode(args);
      expect(d.code, d.stderr).toBe(0); // every layer of every packet parses
      return d.stdout;
    };
    const wan = await decoded([file("sim-wan.pcapng"), "--esp-keys", file("sim-esp_sa")]);
    expect(wan).toMatch(/ Ethernet \/ IPv4 \/ UDP 500 \/ IKEv2 IKE_SA_INIT request/); // from boot
    expect(wan).toMatch(/ Ethernet \/ IPv4 \/ ESP spi 0x[0-9a-f]{8} seq \d+ \/ GRE \/ NHRP Resolution Reply id \d+ .*192\.168\.114\.0\/24 via 10\.1\.1\.\d+ label \d+$/m);
    const tunnel = await decoded([file("sim-tunnel0.pcapng")]);
    expect(tunnel).toMatch(/ Linux cooked \/ NHRP Traffic Indication redirect /);
    expect(tunnel).toMatch(/ Linux cooked \/ IPv4 \/ TCP 179 \/ BGP OPEN/); // the BGP session to the hub, from boot
    const va = await decoded([file("sim-va1.pcapng")]);
    // The second ping goes direct: all ten packets on the Virtual-Access, labelled.
    expect(va.match(/ Linux cooked \/ MPLS \d+ \/ IPv4 \/ ICMP echo$/gm)?.length).toBeGreaterThanOrEqual(5);
    expect(va.match(/ Linux cooked \/ MPLS \d+ \/ IPv4 \/ ICMP echo reply$/gm)?.length).toBeGreaterThanOrEqual(5);
    if (!hasTshark) return;
    for (const name of ["sim-tunnel0.pcapng", "sim-va1.pcapng"]) {
      const bad = spawnSync("tshark", ["-r", file(name), "-Y", `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`, "-T", "fields", "-e", "frame.number"], { encoding: "utf8" });
      expect(bad.status, bad.stderr).toBe(0);
      expect(bad.stdout).toBe("");
    }
  }, 120_000);
});
