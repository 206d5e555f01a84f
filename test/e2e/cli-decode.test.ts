// `flexlab decode` on captures of every frame FlexLab emits, in pcapng and classic pcap (both
// byte orders, micro- and nanoseconds) and on Ethernet, Linux cooked v1/v2 and raw IP links:
// no layer fails, and tshark, the independent judge, finds the same protocol chain in every
// packet of the same files. A capture with a corrupted header makes exit 1 with the parser's
// error on that layer.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { decode } from "../../core/cli/actions/decode";
import { decodeCaptureFile, summarizePacket, type DecodedRecord } from "../../core/lab/decode";
import { EtherType } from "../../core/router/wire/ethernet";
import { isIeee8023Length } from "../../core/router/wire/llc";
import { LinkType, writePcap } from "../../core/router/wire/pcap";
import { PcapngWriter } from "../../core/router/wire/pcapng";
import { ARPHRD_ETHER, SLL_PROTOCOL_802_2, buildSll, buildSll2 } from "../../core/router/wire/sll";
import { SAMPLE_FRAMES } from "../../core/router/wire/testdata/frames";
import { TapNic } from "../../core/router/io/tap";
import { Simulation } from "../../core/router/sim/harness";
import { VirtualClock } from "../../core/router/clock/virtual";
import { ourChain, theirChain } from "../support/decode-chains";
import { startSimLab } from "../../core/lab/runtime/sim";
import { loadLab } from "../../core/lab/topology";
import { copyExampleLabSync } from "../../core/lab/testdata/example-lab";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const hasTshark = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "flexlab-decode-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_764_300_000_000_000_000n;

interface Capture {
  readonly file: string;
  /** The summary each packet should get: the sample's, with its link layer in front. */
  readonly summaries: string[];
}

function pcapng(name: string, frames: readonly Uint8Array[]): string {
  const chunks: Uint8Array[] = [];
  const writer = new PcapngWriter((c) => chunks.push(c));
  const id = writer.addInterface("R1 Ethernet0/0", LinkType.Ethernet, { tsresol: 9 });
  frames.forEach((f, i) => writer.writePacket(id, T0 + BigInt(i) * 1000n, f));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

function pcap(name: string, frames: readonly Uint8Array[], options: Parameters<typeof writePcap>[1]): string {
  const file = join(dir, name);
  writeFileSync(file, writePcap(frames.map((data, i) => ({ timestampNs: T0 + BigInt(i) * 1000n, data })), options));
  return file;
}

const etherTypeOf = (frame: Uint8Array): number => (frame[12] << 8) | frame[13];
const source = (frame: Uint8Array): Uint8Array => frame.subarray(6, 12);
const ipOnly = SAMPLE_FRAMES.filter((s) => etherTypeOf(s.frame) === EtherType.Ipv4);
/** A frame as a Linux cooked capture holds it: its EtherType and what follows the Ethernet
 * header, or for an 802.3 frame (CDP) protocol 4 (802.2) and its LLC header on. */
function cooked(frame: Uint8Array): { protocol: number; payload: Uint8Array } {
  const typeOrLength = etherTypeOf(frame);
  return isIeee8023Length(typeOrLength) ? { protocol: SLL_PROTOCOL_802_2, payload: frame.subarray(14, 14 + typeOrLength) } : { protocol: typeOrLength, payload: frame.subarray(14) };
}
const relink = (summary: string, link: string): string => summary.replace(/^Ethernet/, link);

const CAPTURES: Record<string, Capture> = {
  "pcapng, Ethernet": { file: pcapng("ethernet.pcapng", SAMPLE_FRAMES.map((s) => s.frame)), summaries: SAMPLE_FRAMES.map((s) => s.summary) },
  "pcap little-endian µs, Ethernet": { file: pcap("le-us.pcap", SAMPLE_FRAMES.map((s) => s.frame), {}), summaries: SAMPLE_FRAMES.map((s) => s.summary) },
  "pcap big-endian ns, Ethernet": { file: pcap("be-ns.pcap", SAMPLE_FRAMES.map((s) => s.frame), { bigEndian: true, nanoseconds: true }), summaries: SAMPLE_FRAMES.map((s) => s.summary) },
  "pcap, Linux cooked v1": {
    file: pcap("sll.pcap", SAMPLE_FRAMES.map((s) => { const c = cooked(s.frame); return buildSll({ packetType: 0, arphrdType: ARPHRD_ETHER, address: source(s.frame), protocol: c.protocol }, c.payload); }), { linkType: LinkType.LinuxSll }),
    summaries: SAMPLE_FRAMES.map((s) => relink(s.summary, "Linux cooked")),
  },
  "pcap, Linux cooked v2": {
    file: pcap("sll2.pcap", SAMPLE_FRAMES.map((s) => { const c = cooked(s.frame); return buildSll2({ packetType: 4, arphrdType: ARPHRD_ETHER, address: source(s.frame), protocol: c.protocol, interfaceIndex: 3 }, c.payload); }), {
      linkType: LinkType.LinuxSll2,
    }),
    summaries: SAMPLE_FRAMES.map((s) => relink(s.summary, "Linux cooked v2")),
  },
  "pcap, raw IP (101)": { file: pcap("raw.pcap", ipOnly.map((s) => s.frame.subarray(14)), { linkType: LinkType.Raw }), summaries: ipOnly.map((s) => relink(s.summary, "Raw IP")) },
  "pcap, IPv4 (228)": { file: pcap("ipv4.pcap", ipOnly.map((s) => s.frame.subarray(14)), { linkType: LinkType.Ipv4 }), summaries: ipOnly.map((s) => s.summary.replace(/^Ethernet \/ /, "")) },
};

/** tshark's fields per packet; `options` are its `-o` preferences (`ip.defragment:FALSE` to
 * judge each fragment by itself, as `flexlab decode` does). */
function tshark(file: string, fields: string[], options: readonly string[] = []): string[][] {
  const r = spawnSync("tshark", ["-r", file, ...options.flatMap((o) => ["-o", o]), "-T", "fields", "-E", "separator=|", ...fields.flatMap((f) => ["-e", f])], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout.split("\n").filter((line) => line !== "").map((line) => line.split("|"));
}

async function records(file: string): Promise<DecodedRecord[]> {
  const decoded = await decodeCaptureFile(file);
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.records;
}

describe("flexlab decode on captures of every frame FlexLab emits", () => {
  for (const [name, capture] of Object.entries(CAPTURES)) {
    it(`decodes every packet without an error (${name})`, async () => {
      const decoded = await records(capture.file);
      expect(decoded.filter((r) => r.packet.error !== undefined)).toEqual([]);
      expect(decoded.map((r) => r.timestampNs - T0)).toEqual(capture.summaries.map((_, i) => BigInt(i) * 1000n));
      expect(decoded.map((r) => summarizePacket(r.packet))).toEqual(capture.summaries);
    });

    it.skipIf(!hasTshark)(`agrees with tshark on each packet's protocol chain (${name})`, async () => {
      const ours = (await records(capture.file)).map(ourChain);
      const theirs = tshark(capture.file, ["frame.protocols"]).map(([protocols]) => theirChain(protocols));
      expect(ours).toEqual(theirs);
    });
  }

  it.skipIf(!hasTshark)("finds the CDP checksum of an odd-length PDU good (Cisco's quirk) and reads the same device and port", async () => {
    const rows = tshark(CAPTURES["pcapng, Ethernet"].file, ["cdp.checksum.status", "cdp.deviceid", "cdp.portid"]).filter(([status]) => status !== "");
    expect(rows).toEqual([["1", "R1", "Ethernet0/0"]]);
  });

  it.skipIf(!hasTshark)("agrees with tshark on addresses, labels, ports, GRE keys, ESP SPIs, BGP messages and IKE exchanges", async () => {
    const file = CAPTURES["pcapng, Ethernet"].file;
    const fields = ["ip.src", "ip.dst", "mpls.label", "udp.dstport", "tcp.dstport", "gre.key", "esp.spi", "bgp.type", "bgp.length", "isakmp.exchangetype", "isakmp.length"];
    const theirs = tshark(file, fields);
    const ours = (await records(file)).map((r) => {
      const of = (protocol: string, field: string): string =>
        r.packet.layers.filter((l) => l.protocol === protocol).map((l) => String(l.fields?.[field])).join(",");
      const labels = r.packet.layers.filter((l) => l.protocol === "MPLS").flatMap((l) => (l.fields?.stack as { label: number }[]).map((e) => e.label)).join(",");
      const key = of("GRE", "key");
      const bgp = (r.packet.layers.find((l) => l.protocol === "BGP")?.fields?.messages ?? []) as { type: string; length: number }[];
      const bgpTypes: Record<string, number> = { open: 1, update: 2, notification: 3, keepalive: 4, "route-refresh": 5 };
      return [
        of("IPv4", "src"), of("IPv4", "dst"), labels, of("UDP", "dstPort"), of("TCP", "dstPort"), key === "undefined" ? "" : key, of("ESP", "spi"),
        bgp.map((m) => bgpTypes[m.type]).join(","), bgp.map((m) => m.length).join(","),
        of("IKEv2", "exchangeType"), of("IKEv2", "length"),
      ];
    });
    // tshark also lists the addresses and ports of the datagram an ICMP error quotes, and
    // prints a GRE key in hex: compare those packets' own headers only, the key as a number.
    const icmpErrors = new Set(SAMPLE_FRAMES.flatMap((s, i) => (s.summary.includes("(IPv4 ") ? [i] : [])));
    const normalized = theirs.map((row, i) => {
      const own = icmpErrors.has(i) ? row.map((cell) => cell.split(",")[0]).map((cell, c) => (c >= 3 ? "" : cell)) : row;
      return own.map((cell, c) => (c === 5 && cell !== "" ? String(Number(cell)) : cell));
    });
    expect(ours).toEqual(normalized);
  });
});

describe("flexlab decode on a capture from routers in the simulation", () => {
  const R1 = "hostname R1\ninterface Ethernet0/0\n ip address 10.0.12.1 255.255.255.0\ninterface Tunnel0\n ip address 172.16.0.1 255.255.255.252\n tunnel source Ethernet0/0\n tunnel destination 10.0.12.2\n";
  const R2 = "hostname R2\ninterface Ethernet0/0\n ip address 10.0.12.2 255.255.255.0\ninterface Tunnel0\n ip address 172.16.0.2 255.255.255.252\n tunnel source Ethernet0/0\n tunnel destination 10.0.12.1\n";

  /** Pings across the link and through the GRE tunnel with R1's Ethernet0/0 tapped, as `flexlab capture` would write it. */
  async function captureFromSim(): Promise<string> {
    const frames: { ms: number; frame: Uint8Array }[] = [];
    // The clock exists before the routers boot, so a frame sent while booting gets its time too.
    const clock = new VirtualClock();
    const sim = new Simulation({
      nodes: { R1, R2 },
      links: [[{ node: "R1", iface: "Ethernet0/0" }, { node: "R2", iface: "Ethernet0/0" }]],
      port: (node, iface, nic) => {
        if (node !== "R1" || iface !== "Ethernet0/0") return nic;
        const tap = new TapNic(nic);
        tap.addTap((frame) => frames.push({ ms: clock.now(), frame: frame.slice() }));
        return tap;
      },
    }, clock);
    try {
      sim.settle();
      expect(await sim.exec("R1", "ping 10.0.12.2")).toContain("Success rate is");
      expect(await sim.exec("R1", "ping 172.16.0.2")).toContain("Success rate is 100 percent (5/5)");
    } finally {
      sim.close();
    }
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((c) => chunks.push(c));
    const id = writer.addInterface("R1 Ethernet0/0", LinkType.Ethernet);
    for (const f of frames) writer.writePacket(id, 1_764_300_000_000 + f.ms, f.frame);
    const file = join(dir, "sim.pcapng");
    writeFileSync(file, Buffer.concat(chunks));
    return file;
  }

  let capture: Promise<string> | undefined;
  const captured = (): Promise<string> => (capture ??= captureFromSim());

  it("decodes ARP, the pings and the GRE-tunnelled pings with no error", async () => {
    const file = await captured();
    const decoded = await records(file);
    expect(decoded.filter((r) => r.packet.error !== undefined)).toEqual([]);
    const lines = new Set(decoded.map((r) => summarizePacket(r.packet)));
    expect([...lines].sort()).toEqual([
      "Ethernet / ARP reply 10.0.12.1",
      "Ethernet / ARP request 10.0.12.1 (gratuitous)",
      "Ethernet / ARP request 10.0.12.2",
      "Ethernet / ARP request 10.0.12.2 (gratuitous)",
      "Ethernet / IPv4 / GRE / IPv4 / ICMP echo",
      "Ethernet / IPv4 / GRE / IPv4 / ICMP echo reply",
      "Ethernet / IPv4 / ICMP echo",
      "Ethernet / IPv4 / ICMP echo reply",
      "Ethernet / LLC SNAP / CDP v2 R1 Ethernet0/0",
      "Ethernet / LLC SNAP / CDP v2 R2 Ethernet0/0",
    ]);
  });

  it.skipIf(!hasTshark)("agrees with tshark on each packet's protocol chain", async () => {
    const file = await captured();
    expect((await records(file)).map(ourChain)).toEqual(tshark(file, ["frame.protocols"]).map(([protocols]) => theirChain(protocols)));
  });
});

describe("flexlab decode on a capture of labs/two-pe in the simulation", () => {
  const config = (node: string): string => readFileSync(join(root, "labs/two-pe", `${node}.cfg`), "utf8");

  /** PE1's Ethernet0/0 from boot: ARP, the GRE tunnel's iBGP session (OPEN, KEEPALIVE, the
   * VPNv4 UPDATEs with labels and route targets, End-of-RIB) and a VRF ping as GRE/MPLS. */
  async function capturePe(): Promise<string> {
    const frames: { ms: number; frame: Uint8Array }[] = [];
    const clock = new VirtualClock();
    const sim = new Simulation({
      nodes: { PE1: config("PE1"), PE2: config("PE2") },
      links: [[{ node: "PE1", iface: "Ethernet0/0" }, { node: "PE2", iface: "Ethernet0/0" }]],
      port: (node, iface, nic) => {
        if (node !== "PE1" || iface !== "Ethernet0/0") return nic;
        const tap = new TapNic(nic);
        tap.addTap((frame) => frames.push({ ms: clock.now(), frame: frame.slice() }));
        return tap;
      },
    }, clock);
    try {
      sim.advance(30_000);
      expect(await sim.exec("PE1", "ping vrf A 192.168.2.1 source Loopback10")).toContain("Success rate is 100 percent (5/5)");
    } finally {
      sim.close();
    }
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((c) => chunks.push(c));
    const id = writer.addInterface("PE1 Ethernet0/0", LinkType.Ethernet);
    for (const f of frames) writer.writePacket(id, 1_764_300_000_000 + f.ms, f.frame);
    const file = join(dir, "two-pe.pcapng");
    writeFileSync(file, Buffer.concat(chunks));
    return file;
  }

  let capture: Promise<string> | undefined;
  const captured = (): Promise<string> => (capture ??= capturePe());

  it("decodes the tunnelled BGP session and the labelled pings with no error", async () => {
    const decoded = await records(await captured());
    expect(decoded.filter((r) => r.packet.error !== undefined).map((r) => summarizePacket(r.packet))).toEqual([]);
    const lines = decoded.map((r) => summarizePacket(r.packet));
    expect(lines.some((l) => /^Ethernet \/ IPv4 \/ GRE \/ IPv4 \/ TCP 179 \/ BGP .*UPDATE \d+ VPNv4 NLRI/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("VPNv4 End-of-RIB"))).toBe(true);
    expect(lines.some((l) => /^Ethernet \/ IPv4 \/ GRE \/ MPLS \d+ \/ IPv4 \/ ICMP echo$/.test(l))).toBe(true);
    expect(lines.some((l) => /^Ethernet \/ IPv4 \/ GRE \/ MPLS \d+ \/ IPv4 \/ ICMP echo reply$/.test(l))).toBe(true);
  });

  it.skipIf(!hasTshark)("agrees with tshark on each packet's protocol chain, labels and BGP message types", async () => {
    const file = await captured();
    const ours = await records(file);
    expect(ours.map(ourChain)).toEqual(tshark(file, ["frame.protocols"]).map(([protocols]) => theirChain(protocols)));
    const bgpTypes: Record<string, number> = { open: 1, update: 2, notification: 3, keepalive: 4, "route-refresh": 5 };
    const ourFields = ours.map((r) => [
      r.packet.layers.filter((l) => l.protocol === "MPLS").flatMap((l) => (l.fields?.stack as { label: number }[]).map((e) => e.label)).join(","),
      ((r.packet.layers.find((l) => l.protocol === "BGP")?.fields?.messages ?? []) as { type: string }[]).map((m) => bgpTypes[m.type]).join(","),
    ]);
    expect(ourFields).toEqual(tshark(file, ["mpls.label", "bgp.type"]));
  });
});

describe("flexlab decode on a capture of the seed lab (labs/mpls-over-flexvpn) in the simulation", () => {
  /** R4-Spoke's Ethernet0/0 from boot: ARP, IKE_SA_INIT and IKE_AUTH with certificates (in
   * IKEv2 fragments or whole), then everything on the tunnel as ESP: the BGP session to the hub
   * and the VRF pings. */
  async function captureSpoke(): Promise<string> {
    const labDir = join(dir, "seed");
    copyExampleLabSync("mpls-over-flexvpn", labDir);
    const frames: { ms: number; frame: Uint8Array }[] = [];
    let now = (): number => 0;
    const { sim } = await startSimLab(await loadLab(labDir), (node, iface, nic) => {
      if (node !== "R4-Spoke" || iface !== "Ethernet0/0") return nic;
      const tap = new TapNic(nic);
      tap.addTap((frame) => frames.push({ ms: now(), frame: frame.slice() }));
      return tap;
    });
    now = () => sim.clock.now();
    try {
      sim.advance(60_000);
      expect(await sim.exec("R4-Spoke", "ping vrf cust1 192.168.110.1 source Loopback100")).toContain("Success rate is 100 percent (5/5)");
    } finally {
      sim.close();
    }
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((c) => chunks.push(c));
    const id = writer.addInterface("R4-Spoke Ethernet0/0", LinkType.Ethernet);
    for (const f of frames) writer.writePacket(id, f.ms, f.frame);
    const file = join(dir, "seed.pcapng");
    writeFileSync(file, Buffer.concat(chunks));
    return file;
  }

  let capture: Promise<string> | undefined;
  const captured = (): Promise<string> => (capture ??= captureSpoke());

  it("decodes the IKEv2 exchanges and the ESP that follows with no error", async () => {
    const decoded = await records(await captured());
    expect(decoded.filter((r) => r.packet.error !== undefined).map((r) => summarizePacket(r.packet))).toEqual([]);
    const lines = decoded.map((r) => summarizePacket(r.packet));
    expect(lines.some((l) => /^Ethernet \/ IPv4 \/ UDP 500 \/ IKEv2 IKE_SA_INIT/.test(l))).toBe(true);
    expect(lines.some((l) => /^Ethernet \/ IPv4 \/ UDP 500 \/ IKEv2 IKE_AUTH/.test(l))).toBe(true);
    expect(lines.filter((l) => /^Ethernet \/ IPv4 \/ ESP spi 0x[0-9a-f]{8} seq \d+$/.test(l)).length).toBeGreaterThan(10);
  }, 60_000);

  it.skipIf(!hasTshark)("agrees with tshark on each packet's protocol chain, IKEv2 exchange types and ESP SPIs and sequence numbers", async () => {
    const file = await captured();
    const ours = await records(file);
    // The IKE_AUTH messages carry certificates and leave as IP fragments. Each fragment is
    // judged by itself; tshark still dissects what it can of a first fragment's payload, where
    // we stop at the fragment (no reassembly, so no upper layer to decode).
    const perPacket = ["ip.defragment:FALSE"];
    const fragment = ours.map((r) => r.packet.layers.some((l) => l.protocol === "IPv4" && l.summary.startsWith("IPv4 fragment")));
    const theirs = tshark(file, ["frame.protocols"], perPacket).map(([protocols], i) => theirChain(protocols).replace(fragment[i] ? /:ip:.*$/ : /$^/, ":ip"));
    expect(fragment.filter(Boolean).length).toBeGreaterThan(0);
    expect(ours.map(ourChain)).toEqual(theirs);
    const ourFields = ours.map((r, i) => {
      const ike = fragment[i] ? undefined : (r.packet.layers.find((l) => l.protocol === "IKEv2")?.fields as { exchangeType: number } | undefined);
      const esp = r.packet.layers.find((l) => l.protocol === "ESP")?.fields as { spi: string; sequence: number } | undefined;
      return [ike === undefined ? "" : String(ike.exchangeType), esp === undefined ? "" : String(Number(esp.spi)), esp === undefined ? "" : String(esp.sequence)];
    });
    const theirFields = tshark(file, ["isakmp.exchangetype", "esp.spi", "esp.sequence"], perPacket).map(([exchange, spi, seq], i) => [
      fragment[i] ? "" : (exchange ?? ""),
      spi === undefined || spi === "" ? "" : String(Number(spi)),
      seq ?? "",
    ]);
    expect(ourFields.filter(([exchange]) => exchange !== "").length).toBeGreaterThanOrEqual(2);
    expect(ourFields).toEqual(theirFields);
  }, 60_000);
});

describe("flexlab decode's exit status and output", () => {
  const corrupted = (() => {
    const frames = SAMPLE_FRAMES.map((s) => s.frame.slice());
    frames[3][14 + 20 + 4 + 8 + 10] ^= 0xff; // the inner IPv4 header checksum under GRE and two labels
    return pcap("corrupted.pcap", frames, {});
  })();
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  function captureOutput(): { stdout: () => string; stderr: () => string } {
    let out = "";
    let err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void (err += args.join(" ") + "\n"));
    return { stdout: () => out, stderr: () => err };
  }

  it("prints a line per packet and leaves the exit status alone when every layer parses", async () => {
    const io = captureOutput();
    await decode(CAPTURES["pcapng, Ethernet"].file, {});
    expect(process.exitCode).toBeUndefined();
    const lines = io.stdout().trimEnd().split("\n");
    expect(lines[0]).toBe(` 1 0.000000 ${SAMPLE_FRAMES[0].summary}`);
    expect(lines[3]).toBe(` 4 0.000003 Ethernet / IPv4 / GRE / MPLS 1000 16 / IPv4 / ICMP echo`);
    expect(lines).toHaveLength(SAMPLE_FRAMES.length);
  });

  it("prints every field with --verbose, and the packets' layers as JSON with --json", async () => {
    const io = captureOutput();
    await decode(CAPTURES["pcap, Linux cooked v2"].file, { verbose: true });
    expect(io.stdout()).toContain("    Linux cooked v2\n        protocol: 0x0806\n        interfaceIndex: 3\n        arphrdType: 1\n        packetType: 4\n        address: aabbcc000100\n");
    const json = captureOutput();
    await decode(CAPTURES["pcap, Linux cooked v2"].file, { json: true });
    const packets = JSON.parse(json.stdout()) as { number: number; summary: string; layers: { protocol: string; fields: Record<string, unknown> }[] }[];
    expect(packets[1].summary).toBe("Linux cooked v2 / IPv4 / ICMP echo");
    expect(packets[1].layers.map((l) => l.protocol)).toEqual(["Linux cooked v2", "IPv4", "ICMP"]);
    expect(packets[1].layers[1].fields).toMatchObject({ src: "10.1.1.1", dst: "10.2.2.2", ttl: 64 });
    expect(packets[0].layers[0].fields.address).toBe("aabbcc000100");
  });

  it("exits 1 naming the parser's error on the layer of a corrupted header", async () => {
    const io = captureOutput();
    await decode(corrupted, {});
    expect(process.exitCode).toBe(1);
    expect(io.stdout().split("\n")[3]).toMatch(/^ 4 0\.000003 Ethernet \/ IPv4 \/ GRE \/ MPLS 1000 16 \/ IPv4 \[ipv4: header checksum at offset 10: 0x[0-9a-f]{4}, computed 0x[0-9a-f]{4}\]$/);
    expect(io.stderr()).toContain(`${corrupted}: 1 of ${SAMPLE_FRAMES.length} packets with a layer that failed to parse`);
  });

  it("exits 1 with the offset when the file itself is malformed", async () => {
    const file = join(dir, "truncated.pcap");
    const whole = writePcap([{ timestampNs: T0, data: SAMPLE_FRAMES[1].frame }]);
    writeFileSync(file, whole.subarray(0, whole.length - 4));
    const io = captureOutput();
    await decode(file, {});
    expect(process.exitCode).toBe(1);
    expect(io.stderr()).toBe(`flexlab: ${file}: pcap: record 1 data at offset 40: truncated: need ${SAMPLE_FRAMES[1].frame.length} bytes, have ${SAMPLE_FRAMES[1].frame.length - 4}\n`);
  });

  it("runs as a command: exit 0 on a clean capture, 1 on a corrupted one, 2 without a file", async () => {
    const flexlab = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      try {
        const { stdout, stderr } = await run(process.execPath, [join(root, "bin/flexlab.mjs"), ...args], { cwd: root });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const clean = await flexlab(["decode", CAPTURES["pcap big-endian ns, Ethernet"].file]);
    expect(clean.code).toBe(0);
    expect(clean.stdout.trimEnd().split("\n").map((l) => l.replace(/^ ?\d+ \d+\.\d{6} /, ""))).toEqual(CAPTURES["pcap big-endian ns, Ethernet"].summaries);
    const bad = await flexlab(["decode", corrupted]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("IPv4 [ipv4: header checksum at offset 10:");
    expect((await flexlab(["decode"])).code).toBe(2);
  }, 60_000);
});
