// A router node, assembled: its ports (each behind a capture tap and a bug guard), the Router
// booted from the startup-config file on a real clock, the telnet console and the mgmt API.
// main.ts turns the command line into AgentOptions and handles the process around it.
import { join } from "node:path";
import { RealClock } from "../clock/real";
import { CableNic } from "../io/cable-nic";
import { MemoryHub } from "../io/memory";
import type { Nic } from "../io/nic";
import { TapNic } from "../io/tap";
import { UdpTunnelNic } from "../io/udp-tunnel";
import { readTrustpointMaterial } from "../pki/files";
import { Router } from "../node/router";
import { platformOf, platformPorts, type PlatformName } from "../config/platform";
import type { Diagnostic } from "../config/parse";
import { startConsoleServer } from "./console";
import { guardedClock } from "../clock/guarded";
import { StoppableClock } from "../clock/stoppable";
import { bugReporter } from "./guard";
import { macBaseFor, serialFor } from "./identity";
import { startMgmtServer } from "./mgmt-server";
import { openPort, type PortSpec } from "./ports";
import { FileStorage, NvramFolder } from "./storage";
import { byCharCode } from "../config/names";

export interface AgentOptions {
  readonly name: string;
  /** The node's folder. */
  readonly dir: string;
  /** The startup-config's file name inside `dir`. */
  readonly config: string;
  readonly consolePort: number;
  readonly mgmtPort: number;
  readonly token: string;
  readonly bind: string;
  readonly ports: readonly PortSpec[];
  /** The hardware the node pretends to be (IOL when absent) and its port count. */
  readonly platform?: PlatformName;
  readonly portCount?: number;
  /** Its place in the lab (1-based), for unique IOL-style MACs; absent: derived from the name. */
  readonly nodeIndex?: number;
  /** The lab PKI folder holding ca.crt and <name>/<trustpoint>.crt|.key. */
  readonly pkiDir: string;
  readonly version: string;
  /** Where bug reports and startup-config problems go (stderr in the process). */
  readonly stderr: (text: string) => void;
  /** Called once every port is open, before the node's folder is read: in a container the
   * agent starts privileged to open its packet sockets and gives the privilege up here. */
  readonly onPortsOpen?: () => void;
}

export interface Agent {
  readonly router: Router;
  readonly consolePort: number;
  readonly mgmtPort: number;
  /** Problems the startup-config had. */
  readonly diagnostics: readonly Diagnostic[];
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<Agent> {
  // Bugs are also logged by the router (%SYS-3-INTERNAL), once there is one.
  const logTo: { router?: Router } = {};
  const reportBug = bugReporter({
    stderr: options.stderr,
    log: (text) => logTo.router?.logMessage({ facility: "SYS", severity: 3, mnemonic: "INTERNAL", text }),
  });
  // Closing the agent stops its clock: no timer of a closed router fires (a router host runs
  // on after one of its routers is stopped or crashed).
  const realClock = new StoppableClock(new RealClock());
  const clock = guardedClock(realClock, reportBug);

  // Every port, linked or not, gets a tap so it can be captured. Unlinked ones are up with
  // nothing on the wire, as the router would make them itself. Ports go in name order, so
  // burned-in MACs are the same on every run. A linked port's cable sits between its backend
  // and its tap, so the lab can impair or pull it (`link.set`) and a capture shows what the
  // router received.
  const backends = new Map<string, Nic>();
  const cables = new Map<string, CableNic>();
  const tunnels = new Map<string, UdpTunnelNic>();
  try {
    for (const spec of options.ports) {
      const backend = await openPort(spec, options.name, clock);
      if (backend instanceof UdpTunnelNic) tunnels.set(spec.iface, backend);
      const cable = new CableNic(backend, { clock });
      cables.set(spec.iface, cable);
      backends.set(spec.iface, cable);
    }
    options.onPortsOpen?.();
  } catch (err) {
    for (const nic of backends.values()) nic.close();
    throw err;
  }
  // The platform's ports exist whether linked or not (IOL: Ethernet0/0–0/3).
  for (const iface of platformPorts(platformOf(options.platform), options.portCount)) {
    if (!backends.has(iface)) backends.set(iface, new MemoryHub({ clock }).port(`${options.name}:${iface}`));
  }
  const taps = new Map<string, TapNic>();
  const ports: Record<string, Nic> = {};
  for (const iface of [...backends.keys()].sort(byPortNumber)) {
    const tap = new TapNic(backends.get(iface)!, (err) => reportBug(`capture on ${iface}`, err));
    taps.set(iface, tap);
    ports[iface] = tap; // the router's Ethernet port catches bugs in what a frame sets off
  }

  const router = new Router({
    clock,
    ports,
    platform: options.platform,
    builtinPorts: options.portCount,
    macBase: macBaseFor(options.name, options.nodeIndex),
    serial: serialFor(options.name),
    // NVRAM beside the lab PKI's folder: nvram/NODE in the lab folder, kept across restarts.
    storage: new FileStorage(join(options.dir, options.config), undefined, new NvramFolder(join(options.dir, "nvram", options.name))),
    pki: readTrustpointMaterial(options.pkiDir, options.name),
    reportBug,
  });
  logTo.router = router;
  const booted = router.boot();
  for (const d of [...booted.diagnostics, ...booted.notes].sort((x, y) => x.line - y.line)) options.stderr(`${options.config}:${d.line}:${d.column}: ${d.message}\n`);
  for (const w of router.takeWarnings()) options.stderr(`${options.config}: ${w}\n`);

  const consoleServer = await startConsoleServer({ router, host: options.bind, port: options.consolePort, onBug: reportBug });
  const mgmt = await startMgmtServer({
    node: { name: options.name, router, version: options.version, taps, cables, tunnels, reportBug },
    host: options.bind,
    port: options.mgmtPort,
    token: options.token,
  }).catch(async (err: unknown) => {
    await consoleServer.close();
    router.close();
    realClock.stop();
    for (const tap of taps.values()) tap.close();
    throw err;
  });
  return {
    router,
    consolePort: consoleServer.port,
    mgmtPort: mgmt.port,
    diagnostics: booted.diagnostics,
    close: async () => {
      await Promise.allSettled([consoleServer.close(), mgmt.close()]);
      realClock.stop();
      router.close();
      // Its ports too: in a router host the process goes on, and a restarted router binds them again.
      for (const tap of taps.values()) tap.close();
    },
  };
}

/** Ethernet0/2 before Ethernet0/10, Ethernet0/x before Ethernet1/x. */
function byPortNumber(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d !== 0) return d;
  }
  return byCharCode(a, b);
}
