// strongSwan's charon (Debian `strongswan-charon`, `strongswan-swanctl`,
// `libcharon-extra-plugins`) inside a network namespace a test created, without systemd or
// the starter: /usr/lib/ipsec/charon with a private strongswan.conf (STRONGSWAN_CONF), its
// plugins named one by one (none of /etc/strongswan.d is read), a private vici socket that
// swanctl reaches with --uri, and a file log. The kernel here has no ESP, so charon's IPsec
// is `kernel-libipsec` (userspace ESP on a TUN device, ipsec0, inside the namespace), loaded
// before kernel-netlink so it is the one charon uses; it needs UDP-encapsulated ESP, so the
// connections a test loads say `encap = yes`. With a child SA, libipsec routes the remote
// selector into ipsec0 (table 220) and keeps an exclude route for the peer, so IKE and the
// encapsulated ESP still leave by the veth. Debian 5.9.8 derives keys in the separate `kdf`
// plugin: without it IKE_AUTH fails with "KDF_PRF … not supported".
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { stopChild } from "./netns";
import { dirname, join } from "node:path";

export const CHARON = "/usr/lib/ipsec/charon";
export const SWANCTL = "/usr/sbin/swanctl";
const PLUGINS = "/usr/lib/ipsec/plugins";
/** Where Debian's charon keeps its pid file (compiled in): one charon at a time on a machine. */
const PID_FILE = "/run/charon.pid";

const LOAD = ["random", "nonce", "openssl", "pem", "pkcs1", "pkcs8", "x509", "pubkey", "kdf", "revocation", "constraints", "kernel-libipsec", "kernel-netlink", "socket-default", "vici"];

/** Why strongSwan tests cannot run here, or undefined. */
export function strongswanSkipReason(): string | undefined {
  if (!existsSync(CHARON)) return `strongSwan's charon is not installed (${CHARON}; apt-get install strongswan-charon)`;
  if (!existsSync(SWANCTL)) return `swanctl is missing (${SWANCTL}; apt-get install strongswan-swanctl)`;
  if (!existsSync(join(PLUGINS, "libstrongswan-kernel-libipsec.so"))) return "charon's kernel-libipsec plugin is missing (apt-get install libcharon-extra-plugins)";
  if (!existsSync("/dev/net/tun")) return "/dev/net/tun is missing (kernel-libipsec's ipsec0)";
  if (existsSync(PID_FILE)) {
    const pid = Number(readFileSync(PID_FILE, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return `another charon runs on this machine (pid ${pid}, ${PID_FILE})`;
    // left by a charon that was killed: the next one would refuse to start
    rmSync(PID_FILE, { force: true });
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Charon {
  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    private readonly output: { text: string },
  ) {}

  get socket(): string {
    return `unix://${join(this.dir, "charon.vici")}`;
  }

  /** charon's process id (`ip netns exec` execs charon itself), for its CPU time in /proc. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Starts charon in `ns` and waits for its vici socket. `quiet` logs errors only (a
   * benchmark measures charon's own work, not its debug logging); `fragmentSize` is
   * charon.fragment_size, the largest IKE fragment it sends (RFC 7383; 1280 by default). */
  static async start(ns: string, options: { quiet?: boolean; fragmentSize?: number } = {}): Promise<Charon> {
    const dir = mkdtempSync(join(tmpdir(), "flexlab-charon-"));
    const conf = join(dir, "strongswan.conf");
    writeFileSync(
      conf,
      `charon {
  load = ${LOAD.join(" ")}
  install_virtual_ip = no
  retransmit_tries = 3
${options.fragmentSize !== undefined ? `  fragment_size = ${options.fragmentSize}\n` : ""}  filelog {
    flexlab {
      path = ${join(dir, "charon.log")}
      time_format = %H:%M:%S
      flush_line = yes
      ${options.quiet ? "default = -1" : "default = 1\n      ike = 2\n      cfg = 1\n      net = 2\n      esp = 2\n      knl = 2"}
    }
  }
  plugins {
    vici {
      socket = unix://${join(dir, "charon.vici")}
    }
  }
}
`,
    );
    const child = spawn("ip", ["netns", "exec", ns, CHARON], { env: { ...process.env, STRONGSWAN_CONF: conf }, stdio: ["ignore", "pipe", "pipe"] });
    const output = { text: "" };
    child.stdout!.on("data", (d: Buffer) => (output.text += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output.text += d.toString()));
    const charon = new Charon(child, dir, output);
    const deadline = Date.now() + 15_000;
    while (!existsSync(join(dir, "charon.vici"))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await charon.stop();
        throw new Error(`charon did not start in ${ns}: ${output.text}${charon.logText}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return charon;
  }

  /** Runs swanctl against this charon; throws with its output when it fails. Its folder is
   * charon's (SWANCTL_DIR): swanctl.conf, and x509/, x509ca/, pkcs8/ for credentials. */
  swanctl(...args: string[]): string {
    const r = spawnSync(SWANCTL, [...args, "--uri", this.socket], { encoding: "utf8", env: { ...process.env, SWANCTL_DIR: this.dir } });
    if (r.status !== 0) throw new Error(`swanctl ${args.join(" ")}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** Loads `swanctl.conf` text (connections and secrets) and any credentials: PEM files by
   * name, e.g. { "x509/me.pem": …, "x509ca/ca.pem": …, "pkcs8/me.pem": … }. */
  load(config: string, credentials: Readonly<Record<string, string>> = {}): string {
    for (const [name, pem] of Object.entries(credentials)) {
      mkdirSync(dirname(join(this.dir, name)), { recursive: true });
      writeFileSync(join(this.dir, name), pem, { mode: 0o600 });
    }
    writeFileSync(join(this.dir, "swanctl.conf"), config);
    return this.swanctl("--load-all", "--noprompt");
  }

  /** charon's log so far (for a failing test's message). */
  get logText(): string {
    const file = join(this.dir, "charon.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  async stop(): Promise<void> {
    await stopChild(this.child, () => this.child.kill("SIGTERM"));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
