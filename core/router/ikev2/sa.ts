// The state of one IKE SA and its child SAs, and the SK payload around its messages
// (RFC 7296 §3.14): building an encrypted message from a payload list, and opening one.

import type { Timer } from "../clock/clock";
import type { Ipv4 } from "../wire/addr";
import { isWireError, type WireError } from "../wire/errors";
import { IKE_GENERIC_PAYLOAD_HEADER_LENGTH, IKE_HEADER_LENGTH, buildIkeMessage, buildSkPlaintext, ikeEncryptedParts, parseSkPlaintext, type IkeMessage } from "../wire/ikev2";
import { ikePayloadType, type IkePayload, type TrafficSelector } from "../wire/ikev2-payloads";
import { IkePayloadType } from "../wire/ikev2-registry";
import type { X509Certificate } from "node:crypto";
import { openSk, sealSk, skDataLength, skIcvLength, type DhPrivate, type IkeKeys, type IkeSuite, type SkKeys } from "./crypto";
import type { IkeIdentity } from "./auth";
import type { ChildSuite } from "./proposals";
import { messageLimit, sealFragments, takeFragment, type FragmentResult, type Reassembly } from "./fragments";

export interface Endpoint {
  readonly address: Ipv4;
  readonly port: number;
}

/** RFC 7296 §2 states as IOS's `show crypto ikev2 sa` names them (IN-NEG, READY, DELETE). */
export type IkeSaState = "init-sent" | "init-done" | "auth-sent" | "established" | "deleting" | "dead";

/** One direction's ESP keys and SPI. */
export interface ChildDirection {
  readonly spi: number;
  readonly encKey: Uint8Array;
  readonly integKey: Uint8Array;
}

/** A child SA (ESP) negotiated inside an IKE SA. */
export interface ChildSa {
  readonly suite: ChildSuite;
  readonly mode: "transport" | "tunnel";
  readonly inbound: ChildDirection;
  readonly outbound: ChildDirection;
  readonly tsi: readonly TrafficSelector[];
  readonly tsr: readonly TrafficSelector[];
  readonly createdMs: number;
  readonly lifetimeSec: number;
  readonly lifetimeKb: number;
  /** The DH group of a CREATE_CHILD_SA's KE exchange (PFS), when there was one. */
  readonly pfsGroup: number | undefined;
  rekeyTimer?: Timer;
  /** A CREATE_CHILD_SA replacing this one is under way. */
  rekeying?: boolean;
  /** The exchange that made it: its nonces, whether we sent its request, and the child SA it
   * rekeyed; what a rekey collision is settled by (RFC 7296 §2.8.1). */
  readonly exchange: { readonly ni: Uint8Array; readonly nr: Uint8Array; readonly weInitiated: boolean; readonly replaces: ChildSa | undefined };
}

/** What the initiator's tunnel asked for. */
export interface InitiateRequest {
  /** The tunnel interface the SA protects (Tunnel0). */
  readonly tunnel: string;
  readonly ikev2Profile: string;
  readonly ipsecProfile: string;
  readonly fvrf: string | undefined;
  readonly local: Ipv4;
  readonly remote: Ipv4;
  /** `tunnel mode ipsec ipv4`: tunnel mode, any-to-any selectors. GRE modes: transport, GRE between the outer addresses. */
  readonly vti: boolean;
  /** `ip address negotiated` on the tunnel: ask for an address (CFG_REQUEST). */
  readonly wantsAddress: boolean;
}

/** A request waiting for its response (window size 1, RFC 7296 §2.3). */
export interface PendingRequest {
  readonly messageId: number;
  readonly exchangeType: number;
  /** The datagrams as sent (one, or every fragment), for retransmission. */
  readonly datagrams: readonly Uint8Array[];
  readonly onResponse: (payloads: IkePayload[], message: IkeMessage) => void;
  /** Called when retransmissions give up. */
  readonly onTimeout: () => void;
  tries: number;
  timer: Timer | undefined;
}

export class IkeSa {
  state: IkeSaState;
  /** Our Tunnel-id in `show crypto ikev2 sa`. */
  readonly id: number;
  readonly role: "initiator" | "responder";
  spiI: bigint;
  spiR = 0n;
  local: Endpoint;
  remote: Endpoint;
  readonly fvrf: string | undefined;
  suite: IkeSuite | undefined;
  keys: IkeKeys | undefined;
  dh: DhPrivate | undefined;
  ni: Uint8Array = new Uint8Array(0);
  nr: Uint8Array = new Uint8Array(0);
  /** Our IKE_SA_INIT message and the peer's, as sent: what AUTH signs (§2.15). */
  ourInit: Uint8Array = new Uint8Array(0);
  peerInit: Uint8Array = new Uint8Array(0);
  /** NAT detected between us (RFC 7296 §2.23): either side behind one. */
  natLocal = false;
  natRemote = false;
  profile: string | undefined;
  localId: IkeIdentity | undefined;
  remoteId: IkeIdentity | undefined;
  remoteCert: X509Certificate | undefined;
  authLocal: "PSK" | "RSA" | "ECDSA" = "PSK";
  authRemote: "PSK" | "RSA" | "ECDSA" = "PSK";
  /** Request message IDs: the next we send, and the next we expect from the peer. */
  nextRequestId = 0;
  nextPeerRequestId = 0;
  pending: PendingRequest | undefined;
  /** Requests waiting for the window (size 1). */
  readonly queue: (() => void)[] = [];
  /** The last response we sent, resent when the peer retransmits its request. */
  lastResponse: { messageId: number; datagrams: readonly Uint8Array[] } | undefined;
  /** RFC 7383 fragmentation, negotiated in IKE_SA_INIT: the MTU our messages are cut for. */
  fragmentMtu: number | undefined;
  /** The message being reassembled from fragments, per direction. */
  readonly reassembly: { readonly requests: { current: Reassembly | undefined }; readonly responses: { current: Reassembly | undefined } } = { requests: { current: undefined }, responses: { current: undefined } };
  readonly children: ChildSa[] = [];
  readonly createdMs: number;
  /** When the session came up; an IKE SA rekey hands it on (`show crypto session`'s Uptime). */
  upSinceMs: number | undefined;
  lastInboundMs: number;
  lifetimeSec = 86400;
  dpd: { intervalSec: number; retrySec: number; mode: "on-demand" | "periodic" } | undefined;
  request: InitiateRequest | undefined;
  /** The peer asked for an address and got one (responder), or we got one (initiator). */
  assignedAddress: Ipv4 | undefined;
  /** INTERNAL_IP4_SUBNET routes the peer pushed. */
  remoteSubnets: { address: Ipv4; mask: Ipv4 }[] = [];
  /** The default domain and banner the peer pushed (its authorization policy's). */
  defaultDomain: string | undefined;
  banner: string | undefined;
  /** The interface the SA is bound to: the tunnel, or the Virtual-Access cloned for it. */
  interfaceName: string | undefined;
  /** The IPsec profile protecting it (the tunnel's or the virtual template's): transform sets,
   * PFS, lifetimes of its child SAs. */
  ipsecProfile: string | undefined;
  initialContact = false;
  /** The duplicate of another IKE SA with the peer on the same tunnel, going away quietly. */
  duplicate = false;
  /** Replaced by a rekeyed IKE SA: going away quietly, its children moved on. */
  superseded = false;
  /** The IKE SA the peer's rekey of this one made (we answered it): what our own rekey, if it
   * crossed the peer's, is settled against (RFC 7296 §2.8.1). */
  rekeyedByPeer: IkeSa | undefined;
  /** COOKIE answers received to our IKE_SA_INIT. */
  cookieRetries = 0;
  timers: Timer[] = [];

  constructor(init: { id: number; role: "initiator" | "responder"; spiI: bigint; local: Endpoint; remote: Endpoint; fvrf: string | undefined; nowMs: number }) {
    this.id = init.id;
    this.role = init.role;
    this.spiI = init.spiI;
    this.local = init.local;
    this.remote = init.remote;
    this.fvrf = init.fvrf;
    this.createdMs = init.nowMs;
    this.lastInboundMs = init.nowMs;
    this.state = init.role === "initiator" ? "init-sent" : "init-done";
  }

  /** Our SPI: the one the peer's messages carry for us. */
  get localSpi(): bigint {
    return this.role === "initiator" ? this.spiI : this.spiR;
  }

  get remoteSpi(): bigint {
    return this.role === "initiator" ? this.spiR : this.spiI;
  }

  /** Keys for what we send and what we receive. */
  outKeys(): SkKeys {
    const k = this.keys!;
    return this.role === "initiator" ? { encKey: k.skEi, integKey: this.suite!.integ ? k.skAi : undefined } : { encKey: k.skEr, integKey: this.suite!.integ ? k.skAr : undefined };
  }

  inKeys(): SkKeys {
    const k = this.keys!;
    return this.role === "initiator" ? { encKey: k.skEr, integKey: this.suite!.integ ? k.skAr : undefined } : { encKey: k.skEi, integKey: this.suite!.integ ? k.skAi : undefined };
  }

  /** An encrypted message as the datagrams that carry it: the payloads inside one SK payload
   * (RFC 7296 §3.14), or, with fragmentation negotiated and the message too big for the MTU,
   * its SKF fragments (RFC 7383). */
  seal(exchangeType: number, response: boolean, messageId: number, payloads: readonly IkePayload[]): Uint8Array[] {
    const suite = this.suite!;
    const plain = buildSkPlaintext(payloads, suite.encr.blockSize);
    const header = { initiatorSpi: this.spiI, responderSpi: this.spiR, exchangeType, initiator: this.role === "initiator", response, messageId };
    const length = IKE_HEADER_LENGTH + IKE_GENERIC_PAYLOAD_HEADER_LENGTH + skDataLength(suite, plain.length);
    if (this.fragmentMtu !== undefined) {
      const limit = messageLimit(this.fragmentMtu, this.local.port);
      if (length > limit) return sealFragments(suite, this.outKeys(), header, payloads, limit);
    }
    const data = new Uint8Array(skDataLength(suite, plain.length));
    const message = buildIkeMessage({ ...header, payloads: [{ kind: "sk", innerNextPayload: payloads.length ? ikePayloadType(payloads[0]) : IkePayloadType.NONE, data }] });
    sealSk(suite, this.outKeys(), message, IKE_HEADER_LENGTH + IKE_GENERIC_PAYLOAD_HEADER_LENGTH, plain);
    return [message];
  }

  /** Takes a received SKF fragment into its direction's reassembly (fragments.ts). */
  takeFragment(message: IkeMessage): FragmentResult {
    const slot = message.repr.response ? this.reassembly.responses : this.reassembly.requests;
    return takeFragment(slot, this.suite!, this.inKeys(), message);
  }

  /** The payloads inside a received message's SK payload (or, with our own keys, one we sent);
   * an error when it does not verify. */
  open(message: IkeMessage, keys: SkKeys = this.inKeys()): IkePayload[] | WireError | "integrity" {
    const suite = this.suite!;
    const parts = ikeEncryptedParts(message, suite.encr.ivLength, skIcvLength(suite));
    if (isWireError(parts)) return parts;
    const plain = openSk(suite, keys, parts);
    if (plain === undefined) return "integrity";
    const sk = message.repr.payloads[message.repr.payloads.length - 1];
    return parseSkPlaintext(plain, sk.kind === "sk" ? sk.innerNextPayload : IkePayloadType.NONE);
  }

  cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.pending?.timer?.cancel();
    for (const c of this.children) c.rekeyTimer?.cancel();
  }
}
