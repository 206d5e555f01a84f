// The SAD's entries: an installed child SA pair (both ESP directions, its lifetime timers,
// where its peer is now) and a protected tunnel (IOS's crypto flow: the pairs on it, newest
// last, and the counters `show crypto ipsec sa` prints). The subsystem keeps the SPI index
// and moves the packets; show.ts reads these for the rows.
import type { Timer } from "../clock/clock";
import type { TunnelInterface, TunnelProtection } from "../net/tunnel";
import type { Ipv4 } from "../wire/addr";
import type { EspInboundSa, EspOutboundSa } from "./esp";
import type { ChildSaPair, IpsecSaEvents, IpsecSaHandle } from "./sa";

/** The peer's port when there is no NAT-T: IKE's, as IOS's `current_peer` line shows it. */
export const IKE_PORT = 500;

/** What sends a protected tunnel's packets as ESP (the subsystem). */
export interface EspSender {
  send(flow: TunnelIpsec, tunnel: TunnelInterface, buf: Uint8Array, start: number, end: number): boolean;
}

/** A crypto flow's counters (one tunnel, one peer), as `show crypto ipsec sa` adds them up
 * over its SAs, rekeys included. */
export interface FlowCounters {
  encaps: number;
  decaps: number;
  sendErrors: number;
  recvErrors: number;
  replayFailures: number;
  verifyFailures: number;
}

export function newFlowCounters(): FlowCounters {
  return { encaps: 0, decaps: 0, sendErrors: 0, recvErrors: 0, replayFailures: 0, verifyFailures: 0 };
}

/** An installed child SA pair. */
export class InstalledSa implements IpsecSaHandle {
  readonly inboundSpi: number;
  readonly outboundSpi: number;
  readonly interfaceName: string;
  readonly installedAt: number;
  softSent = false;
  removed = false;
  timers: Timer[] = [];
  /** Where outbound ESP goes: the SA's remote address and NAT-T port, until authenticated
   * ESP-in-UDP shows that a NAT in between moved them (RFC 3948 §2.2, RFC 7296 §2.23). */
  peer: Ipv4;
  peerPort: number;

  /** Its flow's counters for this peer, shared with the pairs before and after it. */
  readonly counters: FlowCounters;

  constructor(
    readonly flow: TunnelIpsec,
    readonly pair: ChildSaPair,
    readonly inbound: EspInboundSa,
    readonly outbound: EspOutboundSa,
    readonly events: IpsecSaEvents,
    readonly inboundConnId: number,
    readonly outboundConnId: number,
    now: number,
  ) {
    this.inboundSpi = pair.inbound.spi;
    this.outboundSpi = pair.outbound.spi;
    this.interfaceName = flow.tunnel.name;
    this.installedAt = now;
    this.peer = pair.outbound.remote;
    this.peerPort = pair.outbound.natT?.remotePort ?? IKE_PORT;
    this.counters = flow.countersFor(pair.outbound.remote);
  }
}

/** One protected tunnel: its profile and SAs, newest last. A point-to-point tunnel has one
 * peer; a multipoint one (DMVPN) a pair per peer, picked by the GRE packet's destination. */
export class TunnelIpsec implements TunnelProtection {
  readonly sas: InstalledSa[] = [];
  /** Counters by the peer's address as the SA was negotiated. */
  readonly counters = new Map<Ipv4, FlowCounters>();

  constructor(
    private readonly sender: EspSender,
    readonly tunnel: TunnelInterface,
    public profileName: string,
  ) {}

  protect(tunnel: TunnelInterface, buf: Uint8Array, start: number, end: number): boolean {
    return this.sender.send(this, tunnel, buf, start, end);
  }

  get current(): InstalledSa | undefined {
    return this.sas[this.sas.length - 1];
  }

  /** The newest pair toward `peer` (the address IKEv2 negotiated with, or where its NAT moved it). */
  forPeer(peer: Ipv4): InstalledSa | undefined {
    for (let i = this.sas.length - 1; i >= 0; i--) {
      const sa = this.sas[i];
      if (sa.pair.outbound.remote === peer || sa.peer === peer) return sa;
    }
    return undefined;
  }

  countersFor(peer: Ipv4): FlowCounters {
    let c = this.counters.get(peer);
    if (c === undefined) {
      c = newFlowCounters();
      this.counters.set(peer, c);
    }
    return c;
  }
}
