// `flexlab sim --capture NODE:IFACE=FILE`: captures in the sim runtime, one pcapng per
// interface as `flexlab capture` writes them, timestamps in the simulation's virtual time. A
// port (Ethernet0/0) is tapped from boot with its Ethernet frames; a Tunnel or
// Virtual-Access gives its payloads in clear behind Linux cooked headers (a Virtual-Access
// from when it is cloned). `--esp-keys FILE` writes the captured nodes' SAs as esp_sa.
import { writeFile } from "node:fs/promises";
import { formatEspSa, type EspKeyRow } from "../api/tables";
import type { Simulation, SimTopology } from "../router/sim/harness";
import { tapTunnel, tappedPort } from "../router/sim/capture";
import { LinkType } from "../router/wire/pcap";
import { PcapngWriter } from "../router/wire/pcapng";
import { canonicalInterfaceName } from "../router/config/grammar/interface-name";

export interface SimCaptureSpec {
  readonly node: string;
  readonly iface: string;
  readonly file: string;
}

/** Parses "NODE:IFACE=FILE" (the interface as typed, e.g. e0/0 or Tu0). */
export function parseCaptureSpec(text: string): SimCaptureSpec | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([^=\s]+)=(.+)$/.exec(text.trim());
  return m ? { node: m[1], iface: canonicalInterfaceName(m[2]) ?? m[2], file: m[3] } : undefined;
}

interface Capture {
  readonly spec: SimCaptureSpec;
  linkType: number;
  tapped: boolean;
  readonly frames: { ms: number; frame: Uint8Array }[];
}

export class SimCaptures {
  private readonly captures: Capture[];
  private now: () => number = () => 0;

  constructor(specs: readonly SimCaptureSpec[]) {
    this.captures = specs.map((spec) => ({ spec, linkType: LinkType.Ethernet, tapped: false, frames: [] }));
  }

  /** The harness's port wrapper: taps the ports named in the specs. */
  readonly port: NonNullable<SimTopology["port"]> = (node, iface, nic) => {
    const mine = this.captures.filter((c) => c.spec.node === node && c.spec.iface === iface);
    if (mine.length === 0) return nic;
    for (const c of mine) c.tapped = true;
    return tappedPort(nic, (frame) => {
      for (const c of mine) c.frames.push({ ms: this.now(), frame: frame.slice() });
    });
  };

  /** Taps the specs' tunnels once the simulation exists; the error for an interface that is neither. */
  attach(sim: Simulation): string | undefined {
    this.now = () => sim.clock.now();
    for (const c of this.captures) {
      if (c.tapped) continue;
      const ok = tapTunnel(sim.node(c.spec.node), c.spec.iface, (frame) => c.frames.push({ ms: this.now(), frame: frame.slice() }));
      if (!ok) return `${c.spec.node} ${c.spec.iface}: not capturable (a linked port, a Tunnel or a Virtual-Access)`;
      c.linkType = LinkType.LinuxSll;
      c.tapped = true;
    }
    return undefined;
  }

  /** Writes each capture's file; returns a line per file for the user. */
  async write(): Promise<string[]> {
    const lines: string[] = [];
    for (const c of this.captures) {
      const chunks: Uint8Array[] = [];
      const writer = new PcapngWriter((chunk) => chunks.push(chunk));
      const id = writer.addInterface(`${c.spec.node} ${c.spec.iface}`, c.linkType, { tsresol: 9 });
      for (const f of c.frames) writer.writePacket(id, f.ms, f.frame);
      await writeFile(c.spec.file, Buffer.concat(chunks));
      lines.push(`${c.frames.length} frame${c.frames.length === 1 ? "" : "s"} captured on ${c.spec.node} ${c.spec.iface} into ${c.spec.file}`);
    }
    return lines;
  }

  /** The nodes captured on. */
  nodes(): string[] {
    return [...new Set(this.captures.map((c) => c.spec.node))];
  }
}

/** Writes the esp_sa file of these nodes' SAs (`rows` from each node's esp-keys table); the line for the user. */
export async function writeEspKeys(file: string, rows: readonly EspKeyRow[]): Promise<string> {
  const text = formatEspSa(rows);
  await writeFile(file, text);
  const sas = text.split("\n").length - 1;
  return `${sas} ESP SA${sas === 1 ? "" : "s"} written to ${file} (Wireshark: Preferences > Protocols > ESP > ESP SAs, or tshark -o uat:esp_sa:LINE)`;
}
