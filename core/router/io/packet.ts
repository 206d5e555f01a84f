// Whole Ethernet frames on a Linux interface through an AF_PACKET raw socket: the Docker
// runtime binds each router interface to the container NIC the orchestrator gave it. The
// socket lives in the optional native addon @flexlab/packet-socket (images/router/
// packet-socket), loaded on first use, so nothing else needs it built.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import type { Clock, Timer } from "../clock/clock";
import { readMac, type Mac } from "../wire/addr";
import { NicBase, microtaskDeferrer } from "./base";
import type { Deferrer } from "./nic";

declare const handleBrand: unique symbol;
/** The addon's socket handle (a Node-API external). */
type PacketHandle = { readonly [handleBrand]: true };

/** What the addon reports about a Linux interface. */
export interface LinuxInterfaceInfo {
  readonly ifindex: number;
  readonly mac: Uint8Array;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback). */
  readonly hardwareType: number;
  /** IFF_UP: admin up. */
  readonly up: boolean;
  /** IFF_RUNNING: up with carrier. */
  readonly running: boolean;
  readonly mtu: number;
}

/** The addon's surface, as index.cjs exports it. */
interface PacketSocketAddon {
  /** `onFrame(frame)` per received frame; `onFrame(null, n)` when n frames were lost. */
  open(ifname: string, onFrame: (frame: Uint8Array | null, drops?: number) => void, promiscuous: boolean): PacketHandle;
  /** 0 when sent, else the errno that refused the frame. */
  send(handle: PacketHandle, frame: Uint8Array): number;
  close(handle: PacketHandle): void;
  interfaceInfo(ifname: string): LinuxInterfaceInfo;
  /** malloc_trim(0): whether the C heap gave pages back. Absent from builds before it. */
  trimMemory?(): boolean;
}

const ARPHRD_ETHER = 1;
const { ENETDOWN } = constants.errno;
const DEFAULT_CARRIER_POLL_MS = 1000;

let addon: PacketSocketAddon | undefined;
let loadFailure: string | undefined;

function isAddon(mod: unknown): mod is PacketSocketAddon {
  if (typeof mod !== "object" || mod === null) return false;
  const m = mod as Record<string, unknown>;
  return ["open", "send", "close", "interfaceInfo"].every((fn) => typeof m[fn] === "function");
}

function tryLoad(): PacketSocketAddon | undefined {
  if (addon || loadFailure !== undefined) return addon;
  try {
    const mod: unknown = createRequire(import.meta.url)("@flexlab/packet-socket");
    if (isAddon(mod)) addon = mod;
    else loadFailure = "@flexlab/packet-socket does not export open, send, close and interfaceInfo";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    loadFailure =
      code === "MODULE_NOT_FOUND"
        ? "@flexlab/packet-socket is not installed (npm installs it on Linux only, and not with --omit=optional)"
        : (err instanceof Error ? err.message : String(err)).split("\n")[0];
  }
  return addon;
}

function loadAddon(): PacketSocketAddon {
  const lib = tryLoad();
  if (!lib) throw new Error(`packet-socket addon not built: ${loadFailure}`);
  return lib;
}

/** Whether packet sockets can be used here, and if not, why. */
export function packetSocketStatus(): { readonly available: true } | { readonly available: false; readonly reason: string } {
  return tryLoad() ? { available: true } : { available: false, reason: `packet-socket addon not built: ${loadFailure}` };
}

/** Gives the C heap's free pages back to the system (the addon's malloc_trim); undefined
 * where the addon is not built (agent/housekeeping.ts). */
export function trimNativeHeap(): boolean | undefined {
  return tryLoad()?.trimMemory?.();
}

/** Index, MAC, flags and MTU of a Linux interface in this network namespace. */
export function linuxInterfaceInfo(ifname: string): LinuxInterfaceInfo {
  return loadAddon().interfaceInfo(ifname);
}

/** The Ethernet interface in this namespace with that MAC (how a router finds the NIC Docker gave it). */
export function findInterfaceByMac(mac: Mac): string | undefined {
  const lib = loadAddon();
  for (const ifname of readdirSync("/sys/class/net")) {
    try {
      const info = lib.interfaceInfo(ifname);
      if (info.hardwareType === ARPHRD_ETHER && readMac(info.mac, 0) === mac) return ifname;
    } catch {
      // gone since the listing
    }
  }
  return undefined;
}

export interface PacketNicOptions {
  /** The Linux interface, e.g. "eth1". */
  readonly ifname: string;
  /** The Nic's name; default the interface's. */
  readonly name?: string;
  /** Also receive frames for other MACs (PACKET_MR_PROMISC, dropped when the socket closes). Default false. */
  readonly promiscuous?: boolean;
  readonly maxFrameBytes?: number;
  /**
   * Schedules link-change reports. With a full Clock the carrier is also polled (the kernel
   * does not tell a packet socket when a link goes down); with none, it is read at open and
   * after a send fails with ENETDOWN.
   */
  readonly clock?: Clock | Deferrer;
  readonly carrierPollMs?: number;
}

export class PacketNic extends NicBase {
  private readonly lib: PacketSocketAddon;
  private readonly ifname: string;
  private readonly handle: PacketHandle;
  private readonly hardwareMac: Mac | undefined;
  private running: boolean;
  private poll: Timer | undefined;
  private readonly onFrame = (frame: Uint8Array | null, drops?: number): void => {
    if (frame === null) {
      this.counters.rxDrops += drops ?? 1;
      return;
    }
    if (!this.running) this.pollCarrier(); // a frame arrived: the link may be back before the next poll
    this.deliver(frame); // the addon copies each frame into a fresh Uint8Array: ours to hand over
  };
  private readonly pollCarrier = (): void => {
    let running = false;
    try {
      const info = this.lib.interfaceInfo(this.ifname);
      running = info.up && info.running;
    } catch {
      // the interface went away: no carrier
    }
    if (running !== this.running) {
      this.running = running;
      this.linkMayHaveChanged();
    }
  };

  /** Opens the socket; throws when the addon is missing, the interface does not exist, or without CAP_NET_RAW. */
  constructor(options: PacketNicOptions) {
    super(options.name ?? options.ifname, options.clock ?? microtaskDeferrer, options.maxFrameBytes);
    this.lib = loadAddon();
    this.ifname = options.ifname;
    const info = this.lib.interfaceInfo(options.ifname);
    this.hardwareMac = info.hardwareType === ARPHRD_ETHER ? readMac(info.mac, 0) : undefined;
    this.running = info.up && info.running;
    this.handle = this.lib.open(options.ifname, this.onFrame, options.promiscuous ?? false);
    const clock = options.clock;
    if (clock && "every" in clock) this.poll = clock.every(options.carrierPollMs ?? DEFAULT_CARRIER_POLL_MS, this.pollCarrier);
  }

  override get bia(): Mac | undefined {
    return this.hardwareMac;
  }

  send(frame: Uint8Array): boolean {
    if (!this.running && !this.poll && !this.closed) this.pollCarrier(); // nobody polls: look now
    if (!this.sendable(frame)) return false;
    const errno = this.lib.send(this.handle, frame); // a synchronous send(2): nothing kept
    if (errno !== 0) {
      this.counters.txDrops++;
      if (errno === ENETDOWN) this.pollCarrier();
      return false;
    }
    this.countSent(frame.length);
    return true;
  }

  protected carrier(): boolean {
    return this.running;
  }

  protected closeBackend(): void {
    this.poll?.cancel();
    this.poll = undefined;
    this.lib.close(this.handle);
  }
}
