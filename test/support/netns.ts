// Network namespaces for interop tests: two namespaces a test creates itself, joined by a veth
// pair, and deleted again whatever happened (a namespace's deletion also removes its veth end
// and so the pair). Addresses come from 198.18.0.0/15 (RFC 2544) and never leave the pair.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { packetSocketStatus } from "../../core/router/io/packet";

/** Why namespace tests cannot run here, or undefined when they can (root, iproute2, python3, the packet-socket addon). */
export function netnsSkipReason(): string | undefined {
  const status = packetSocketStatus();
  if (!status.available) return status.reason;
  if (process.getuid?.() !== 0) return "needs root for network namespaces and AF_PACKET";
  if (spawnSync("ip", ["-V"]).status !== 0) return "iproute2's ip is missing";
  if (spawnSync("python3", ["-c", "pass"]).status !== 0) return "python3 is missing (turns off the veth's checksum offload)";
  return undefined;
}

export function ip(...args: string[]): string {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** ETHTOOL_STXCSUM off through SIOCETHTOOL, as `ethtool -K IF tx off` would: a kernel TCP that
 * leaves its checksums to the "hardware" sends segments a packet socket sees unfinished. */
const TX_CHECKSUM_OFF = `
import array, fcntl, socket, struct, sys
value = array.array("B", struct.pack("II", 0x17, 0))
request = struct.pack("16sP", sys.argv[1].encode(), value.buffer_info()[0]).ljust(40, b"\\0")
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
fcntl.ioctl(sock.fileno(), 0x8946, request)
`;

export function txChecksumOff(ns: string, ifname: string): void {
  const r = spawnSync("ip", ["netns", "exec", ns, "python3", "-c", TX_CHECKSUM_OFF, ifname], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`checksum offload off on ${ns}/${ifname}: ${r.stderr.trim()}`);
}

export interface VethEnd {
  readonly ns: string;
  readonly ifname: string;
  /** "198.18.1.2/24" for a kernel address; none for the end our router's packet socket owns
   * (a kernel address there would answer ARP and TCP for it). */
  readonly address?: string;
}

/** Two namespaces and the veth between them. `close()` deletes both namespaces. */
export class VethLink {
  constructor(
    readonly a: VethEnd,
    readonly b: VethEnd,
  ) {}

  /** Creates both namespaces (replacing leftovers of a killed run) and the veth pair, up, no IPv6
   * link-locals, checksum offload off on both ends. */
  static create(a: VethEnd, b: VethEnd): VethLink {
    const link = new VethLink(a, b);
    link.close();
    try {
      for (const end of [a, b]) {
        ip("netns", "add", end.ns);
        ip("-n", end.ns, "link", "set", "lo", "up");
      }
      ip("link", "add", a.ifname, "netns", a.ns, "type", "veth", "peer", "name", b.ifname, "netns", b.ns);
      for (const end of [a, b]) {
        ip("-n", end.ns, "link", "set", end.ifname, "addrgenmode", "none");
        txChecksumOff(end.ns, end.ifname);
        if (end.address) ip("-n", end.ns, "addr", "add", end.address, "dev", end.ifname);
        ip("-n", end.ns, "link", "set", end.ifname, "up");
      }
    } catch (err) {
      link.close();
      throw err;
    }
    return link;
  }

  close(): void {
    for (const end of [this.a, this.b]) spawnSync("ip", ["netns", "del", end.ns]);
  }
}

/** dumpcap (Wireshark's capture engine, in Debian's tshark) on one interface inside a namespace,
 * writing pcapng: a capture of what really crossed the veth, for `flexlab decode` and tshark. */
export class NetnsCapture {
  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
  ) {}

  static hasDumpcap(): boolean {
    return spawnSync("dumpcap", ["--version"], { stdio: "ignore" }).status === 0;
  }

  /** Starts capturing and resolves once dumpcap says it is. */
  static async start(ns: string, ifname: string, file: string): Promise<NetnsCapture> {
    const child = spawn("ip", ["netns", "exec", ns, "dumpcap", "-q", "-i", ifname, "-w", file], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dumpcap on ${ns}/${ifname} did not start: ${stderr}`)), 10_000);
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes("Capturing on")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`dumpcap on ${ns}/${ifname} exited with ${code}: ${stderr}`));
      });
    });
    return new NetnsCapture(child, file);
  }

  /** Stops dumpcap (SIGINT: it finishes the file) and waits for it. */
  async stop(): Promise<void> {
    await stopChild(this.child, () => this.child.kill("SIGINT"));
  }
}

/** Asks a child process to stop (`ask`: a signal, or closing its stdin) and waits for it to
 * exit, killing it if it is still there after `graceMs`. Nothing to do once it has exited. */
export async function stopChild(child: ChildProcess, ask: () => void, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  ask();
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
