// FRR's bgpd (Debian `frr`) inside a network namespace a test created, without systemd or
// watchfrr: started straight from /usr/lib/frr with its own config file, pid file and vty
// socket folder, so it shares nothing with an FRR the machine may run. `-S` skips the switch
// to the frr user (whose vty group root is not in); `-Z` leaves zebra out: this bgpd installs
// nothing in a kernel, and with no zebra it takes every next hop as reachable.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { stopChild } from "./netns";
import { join } from "node:path";

export const BGPD = "/usr/lib/frr/bgpd";
export const VTYSH = "/usr/bin/vtysh";

/** Why FRR tests cannot run here, or undefined. */
export function frrSkipReason(): string | undefined {
  if (!existsSync(BGPD)) return `FRR is not installed (${BGPD}; apt-get install frr)`;
  if (!existsSync(VTYSH)) return `FRR's vtysh is missing (${VTYSH})`;
  return undefined;
}

/** The fields of FRR's JSON the tests read (FRR 8.4 names). */
export interface FrrPeerRow {
  readonly state?: string;
  readonly pfxRcd?: number;
  readonly pfxSnt?: number;
}
export interface FrrNeighbor {
  readonly bgpState?: string;
  readonly connectionsEstablished?: number;
  readonly messageStats?: Readonly<Record<string, number>>;
}
export interface FrrVpnPath {
  readonly valid?: boolean;
  readonly locPrf?: number;
  readonly remoteLabel?: number;
  readonly extendedCommunity?: { readonly string?: string };
  readonly nexthops?: readonly { readonly ip?: string }[];
  readonly aspath?: { readonly string?: string };
}

export class Bgpd {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {}

  /** Starts bgpd in `ns` with `config` (FRR syntax) and waits for its vty socket. */
  static async start(ns: string, config: string): Promise<Bgpd> {
    const dir = mkdtempSync(join(tmpdir(), "flexlab-frr-"));
    writeFileSync(join(dir, "bgpd.conf"), config);
    const child = spawn("ip", ["netns", "exec", ns, BGPD, "-S", "-Z", "-f", join(dir, "bgpd.conf"), "-i", join(dir, "bgpd.pid"), "--vty_socket", dir, "-P", "0", "--log", `file:${join(dir, "bgpd.log")}`], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const bgpd = new Bgpd(child, dir);
    const deadline = Date.now() + 15_000;
    while (!existsSync(join(dir, "bgpd.vty"))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await bgpd.stop();
        throw new Error(`bgpd did not start in ${ns}: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return bgpd;
  }

  /** Runs vtysh commands in order against this bgpd (`configure terminal`, … for changes). */
  vtysh(...commands: string[]): string {
    const args = ["--vty_socket", this.dir];
    for (const c of commands) args.push("-c", c);
    const r = spawnSync(VTYSH, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`vtysh ${commands.join(" / ")}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** A `show … json` command, parsed. */
  json<T = unknown>(command: string): T {
    return JSON.parse(this.vtysh(command)) as T;
  }

  /** Its summary row for the VPNv4 session with `address`, or undefined while it has none. */
  vpnPeer(address: string): FrrPeerRow | undefined {
    type Summary = { peers?: Record<string, FrrPeerRow> };
    // FRR wraps the summary in its family's name when the command names none
    const summary = this.json<Summary & { ipv4Vpn?: Summary }>("show bgp ipv4 vpn summary json");
    return (summary.ipv4Vpn ?? summary).peers?.[address];
  }

  /** Its neighbor record for `address`: state, message and connection counts. */
  neighbor(address: string): FrrNeighbor {
    return this.json<Record<string, FrrNeighbor>>(`show bgp neighbors ${address} json`)[address] ?? {};
  }

  /** Its first path for one VPN prefix under `rd`, or undefined while it has none. */
  vpnPath(rd: string, prefix: string): FrrVpnPath | undefined {
    return this.json<Record<string, { paths?: FrrVpnPath[] }>>(`show bgp ipv4 vpn rd ${rd} ${prefix} json`)[rd]?.paths?.[0];
  }

  /** bgpd's log so far (for a failing test's message). */
  get logText(): string {
    const file = join(this.dir, "bgpd.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  async stop(): Promise<void> {
    await stopChild(this.child, () => this.child.kill("SIGTERM"));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
