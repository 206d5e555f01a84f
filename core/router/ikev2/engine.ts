// The IKEv2 protocol engine of one router (RFC 7296): IKE SAs by SPI and the engine's shared
// state, sending, and the dispatch of a received message to its exchange (with the message-ID
// checks of §2.3), ending SAs. The exchanges and timers are in their own files: retransmit.ts,
// sa-init.ts (IKE_SA_INIT), ike-auth.ts (IKE_AUTH), child.ts, rekey.ts (CREATE_CHILD_SA) and
// informational.ts (delete, DPD), collisions.ts (simultaneous rekeys and IKE SAs), fragments.ts
// (RFC 7383 fragmentation and reassembly); debug.ts
// has the `debug crypto ikev2 packet|internal` lines. They are functions with `this:
// IkeEngine`, bound as fields at the end of the class, so they share its state. Everything router-specific — sockets, config,
// the PKI store, interfaces, address pools, installing ESP — is behind IkeHost.

import { randomBytes, type X509Certificate } from "node:crypto";
import type { Clock } from "../clock/clock";
import type { ReadonlyRouterConfig, DeepReadonly } from "../config/model/router";
import type { Ikev2Profile } from "../config/model/crypto";
import { formatIpv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { IkeCriticalPayloadError, IkeFlag, IKE_NAT_T_PORT, buildIkeMessage, parseIkeHeader, parseIkeMessage, type IkeMessage } from "../wire/ikev2";
import type { CfgAttribute, IkePayload } from "../wire/ikev2-payloads";
import { IkeExchangeType, NotifyType, ikeExchangeTypeName } from "../wire/ikev2-registry";
import type { TrustpointCerts } from "../pki/store";
import { identityText } from "./auth";
import { payloadDump } from "./debug";
import { hex64, notify, payloadList } from "./messages";
import type { IkeSa, ChildSa, Endpoint } from "./sa";
import { request, armRetransmit, finishRequest, respond, finishRequestBefore } from "./retransmit";
import { initiate, sendInit, initResponse, detectNat, cookieFor, initRequest, fragmentationMtu } from "./sa-init";
import { trustedCas, ourCertificate, ourAuth, verifyPeerAuth, parseCertificate, peerCertificate, sendAuth, authResponse, authFailedLocally, authRequest, initialContact, established } from "./ike-auth";
import { newChildSpi, localEspProposals, selectors, addChild, ipsecProfileOf, pfsGroupOf, childLifetimes, ownerOf, childSoftExpired, childHardExpired } from "./child";
import { settleChildCollision, resolveDuplicateSa, settleIkeRekeyCollision } from "./collisions";
import { armIkeRekey, rekeyIkeSa, ikeRekeyRequest, successor, deleteSuperseded, rekeyChild, createChildRequest } from "./rekey";
import { informationalRequest, deleteChild, dropChild, deleteSa, startDpd, liveness } from "./informational";

export { RETRANSMIT_FIRST_MS, RETRANSMIT_LIMIT } from "./retransmit";
export { CHILD_LIFETIME_SEC } from "./child";

/** Half-open SAs beyond which the responder asks for a cookie (RFC 7296 §2.6). */
export const DEFAULT_COOKIE_THRESHOLD = 100;

export interface IkeHost {
  readonly clock: Clock;
  config(): ReadonlyRouterConfig;
  trustpoint(name: string): TrustpointCerts | undefined;
  /** Sends an IKE message; on port 4500 the host puts the non-ESP marker in front. */
  send(fvrf: string | undefined, local: Endpoint, remote: Endpoint, message: Uint8Array): void;
  log(facility: string, severity: number, mnemonic: string, text: string): void;
  /** `debug crypto ikev2` (no argument), `… packet` or `… internal`. */
  debugOn(flag?: "packet" | "internal"): boolean;
  debug(text: string): void;
  /** The responder's binding for a new SA: the interface it protects (a static tunnel to the
   * peer, or a Virtual-Access cloned from the profile's template) and its IPsec profile. */
  bindResponder(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>): { interfaceName: string; ipsecProfile: string | undefined; vti: boolean } | undefined;
  /** The responder's CFG_REPLY attributes for a CFG_REQUEST (pool address, routes). */
  configReply(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, request: readonly CfgAttribute[]): CfgAttribute[] | undefined;
  /** The initiator's CFG_REQUEST attributes. */
  configRequest(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>): CfgAttribute[];
  /** The initiator applies a CFG_REPLY (address on the tunnel, routes). */
  applyConfigReply(sa: IkeSa, attributes: readonly CfgAttribute[]): void;
  childUp(sa: IkeSa, child: ChildSa): void;
  childDown(sa: IkeSa, child: ChildSa): void;
  saUp(sa: IkeSa): void;
  saDown(sa: IkeSa, reason: string): void;
  /** An IKE SA rekey replaced `old` with `next` (same session, binding and children). */
  saReplaced(old: IkeSa, next: IkeSa): void;
}

export interface IkeEngineOptions {
  cookieThreshold?: number;
}

/** Counters for `show crypto ikev2 stats`. */
export interface IkeStats {
  malformed: number;
  integrityFailed: number;
  unknownSpi: number;
  cookiesSent: number;
  cookiesAccepted: number;
  retransmits: number;
  authFailed: number;
  noProposal: number;
  /** IKE_SA_INIT requests received, and those that made a half-open SA. */
  incomingRequests: number;
  incomingAccepted: number;
  /** IKE SAs we started, and those that came up. */
  outgoingRequests: number;
  outgoingAccepted: number;
  /** RFC 7383: fragments sent and received, messages reassembled, fragments dropped (over the
   * limits, or fragmentation not negotiated). */
  fragmentsSent: number;
  fragmentsReceived: number;
  reassembled: number;
  fragmentsDropped: number;
}

export class IkeEngine {
  readonly byLocalSpi = new Map<bigint, IkeSa>();
  /** SPIs offered in an IKE SA rekey not yet answered. */
  readonly reservedSpis = new Set<bigint>();
  /** Half-open responder SAs by (peer address, port, initiator SPI): a retransmitted INIT. */
  readonly halfOpen = new Map<string, IkeSa>();
  /** Parsed peer certificates by their DER's hash: a peer sends the same one on every
   * IKE_AUTH, and parsing is a good part of a signature IKE_AUTH's cost. Bounded. */
  readonly certCache = new Map<string, X509Certificate>();
  /** Child SA SPIs in use (child.ts). */
  readonly childSpis = new Set<number>();
  nextId = 1;
  readonly cookieSecret = randomBytes(32);
  readonly stats: IkeStats = {
    malformed: 0,
    integrityFailed: 0,
    unknownSpi: 0,
    cookiesSent: 0,
    cookiesAccepted: 0,
    retransmits: 0,
    authFailed: 0,
    noProposal: 0,
    incomingRequests: 0,
    incomingAccepted: 0,
    outgoingRequests: 0,
    outgoingAccepted: 0,
    fragmentsSent: 0,
    fragmentsReceived: 0,
    reassembled: 0,
    fragmentsDropped: 0,
  };
  cookieThreshold: number;

  constructor(
    readonly host: IkeHost,
    options: IkeEngineOptions = {},
  ) {
    this.cookieThreshold = options.cookieThreshold ?? DEFAULT_COOKIE_THRESHOLD;
  }

  sas(): IkeSa[] {
    return [...this.byLocalSpi.values()].sort((a, b) => a.id - b.id);
  }

  get clock(): Clock {
    return this.host.clock;
  }

  newSpi(): bigint {
    for (;;) {
      const spi = new DataView(randomBytes(8).buffer).getBigUint64(0);
      if (spi !== 0n && !this.byLocalSpi.has(spi) && !this.reservedSpis.has(spi)) return spi;
    }
  }

  profile(name: string | undefined): DeepReadonly<Ikev2Profile> | undefined {
    return name === undefined ? undefined : this.host.config().crypto.ikev2.profiles[name];
  }

  // --- Sending ----------------------------------------------------------------------------

  /** Sends a message's datagrams: the message, or its RFC 7383 fragments. */
  transmit(sa: IkeSa, datagrams: readonly Uint8Array[], what: string): void {
    if (datagrams.length > 1) {
      this.stats.fragmentsSent += datagrams.length;
      if (this.debugPackets()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Fragmenting message (${what}) into ${datagrams.length} fragments for MTU ${sa.fragmentMtu}`);
    }
    datagrams.forEach((d, i) => {
      if (this.debugPackets()) this.debugPacket(sa, "Sending", d, datagrams.length > 1 ? `SKF(${i + 1}/${datagrams.length})` : what);
      this.host.send(sa.fvrf, sa.local, sa.remote, d);
    });
  }

  /** Whether packets are debugged: their headers (`debug crypto ikev2`) or their payloads too
   * (`debug crypto ikev2 packet`). */
  debugPackets(): boolean {
    return this.host.debugOn() || this.host.debugOn("packet");
  }

  debugPacket(sa: IkeSa, verb: "Sending" | "Received", bytes: Uint8Array, what: string): void {
    const peer = `${formatIpv4(sa.remote.address)}:${sa.remote.port}`;
    const local = `${formatIpv4(sa.local.address)}:${sa.local.port}`;
    const dir = verb === "Sending" ? `To ${peer}/From ${local}` : `From ${peer}/To ${local}`;
    const header = parseIkeHeader(bytes);
    if (isWireError(header)) return;
    const response = (header.flags & IkeFlag.Response) !== 0;
    const prefix = `IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):`;
    this.host.debug(
      `${prefix}${verb} Packet [${dir}/VRF i0:f0] \n` +
        `Initiator SPI : ${hex64(sa.spiI)} - Responder SPI : ${hex64(sa.spiR)} Message id: ${header.messageId}\n` +
        `IKEv2 ${ikeExchangeTypeName(header.exchangeType)} Exchange ${response ? "RESPONSE" : "REQUEST"} \nPayload contents: \n ${what}`,
    );
    if (!this.host.debugOn("packet")) return;
    // The payloads, decrypted again for the dump (only while the debug is on).
    const parsed = parseIkeMessage(bytes);
    if (isWireError(parsed)) return;
    const last = parsed.repr.payloads[parsed.repr.payloads.length - 1];
    const payloads = last?.kind === "sk" && sa.keys && sa.suite ? sa.open(parsed, verb === "Sending" ? sa.outKeys() : sa.inKeys()) : parsed.repr.payloads;
    if (!Array.isArray(payloads)) return;
    this.host.debug(payloadDump(payloads).map((l) => prefix + l).join("\n"));
  }

  /** A `debug crypto ikev2 internal` line: the engine's own steps for one SA. */
  internal(sa: IkeSa, text: string): void {
    if (this.host.debugOn("internal")) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):${text}`);
  }

  // --- Receiving --------------------------------------------------------------------------

  /** An IKE message arrived (the marker already stripped on 4500). */
  receive(fvrf: string | undefined, local: Endpoint, remote: Endpoint, bytes: Uint8Array): void {
    const parsed = parseIkeMessage(bytes);
    if (isWireError(parsed)) {
      this.stats.malformed++;
      if (parsed instanceof IkeCriticalPayloadError) this.answerCritical(fvrf, local, remote, bytes, parsed.payloadType);
      return;
    }
    const m = parsed.repr;
    if (m.exchangeType === IkeExchangeType.IKE_SA_INIT && !m.response) {
      this.initRequest(fvrf, local, remote, parsed);
      return;
    }
    const ourSpi = m.initiator ? m.responderSpi : m.initiatorSpi;
    const sa = this.byLocalSpi.get(ourSpi);
    if (sa === undefined || sa.state === "dead") {
      this.stats.unknownSpi++;
      return;
    }
    if (m.response) {
      const pending = sa.pending;
      if (pending === undefined || pending.messageId !== m.messageId || pending.exchangeType !== m.exchangeType) return;
      if (m.exchangeType === IkeExchangeType.IKE_SA_INIT) {
        if (this.debugPackets()) this.debugPacket(sa, "Received", bytes, payloadList(m.payloads));
        sa.lastInboundMs = this.clock.now();
        pending.onResponse([...m.payloads], parsed);
        return;
      }
      const payloads = this.unseal(sa, parsed, bytes);
      if (payloads === undefined) return;
      sa.lastInboundMs = this.clock.now();
      this.followPorts(sa, local, remote);
      this.finishRequestBefore(sa, () => pending.onResponse(payloads, parsed));
      return;
    }
    // A request from the peer.
    if (sa.lastResponse && m.messageId === sa.lastResponse.messageId && m.messageId + 1 === sa.nextPeerRequestId) {
      // It lost our response. A fragmented request is answered once, on its fragment 1
      // (RFC 7383 §2.6.1), not once per fragment.
      const last = m.payloads[m.payloads.length - 1];
      if (last?.kind === "skf" && last.fragmentNumber !== 1) return;
      for (const d of sa.lastResponse.datagrams) this.host.send(sa.fvrf, local, remote, d);
      return;
    }
    if (m.messageId !== sa.nextPeerRequestId) return;
    if (sa.keys === undefined) return;
    const payloads = this.unseal(sa, parsed, bytes);
    if (payloads === undefined) return;
    sa.nextPeerRequestId++;
    sa.lastInboundMs = this.clock.now();
    this.followPorts(sa, local, remote);
    switch (m.exchangeType) {
      case IkeExchangeType.IKE_AUTH:
        if (sa.role === "responder" && sa.state === "init-done") this.authRequest(sa, payloads, parsed);
        return;
      case IkeExchangeType.INFORMATIONAL:
        this.informationalRequest(sa, m.messageId, payloads);
        return;
      case IkeExchangeType.CREATE_CHILD_SA:
        this.createChildRequest(sa, m.messageId, payloads);
        return;
      default:
        return;
    }
  }

  /** The payloads of an encrypted message (SK), or of the message a fragment (SKF) completes
   * (RFC 7383 §2.6); undefined, counted, when it does not verify or parse, or is a fragment of
   * a message still incomplete. */
  unseal(sa: IkeSa, parsed: IkeMessage, bytes: Uint8Array): IkePayload[] | undefined {
    const last = parsed.repr.payloads[parsed.repr.payloads.length - 1];
    if (last?.kind !== "skf") {
      const payloads = sa.open(parsed);
      if (payloads === "integrity" || isWireError(payloads)) {
        this.stats.integrityFailed++;
        return undefined;
      }
      if (this.debugPackets()) this.debugPacket(sa, "Received", bytes, payloadList(payloads));
      return payloads;
    }
    this.stats.fragmentsReceived++;
    const result = sa.fragmentMtu === undefined ? ({ kind: "dropped", reason: "fragmentation was not negotiated" } as const) : sa.takeFragment(parsed);
    if (this.debugPackets()) this.debugPacket(sa, "Received", bytes, `SKF(${last.fragmentNumber}/${last.totalFragments})`);
    switch (result.kind) {
      case "complete":
        this.stats.reassembled++;
        if (this.debugPackets()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Reassembled message id ${parsed.repr.messageId} from ${result.fragments} fragments: ${payloadList(result.payloads)}`);
        return result.payloads;
      case "stored":
      case "ignored":
        return undefined;
      case "integrity":
        this.stats.integrityFailed++;
        return undefined;
      case "dropped":
        this.stats.fragmentsDropped++;
        this.internal(sa, `Dropped IKEv2 fragment ${last.fragmentNumber}/${last.totalFragments}: ${result.reason}`);
        return undefined;
      case "malformed":
        this.stats.malformed++;
        this.internal(sa, `Dropped IKEv2 fragment ${last.fragmentNumber}/${last.totalFragments}: ${result.error.toString()}`);
        return undefined;
    }
  }

  /** RFC 7296 §2.23: once on UDP 4500, or with a NAT in between, an authenticated message's
   * ports are the SA's from now on (the NAT may have moved the peer's). */
  followPorts(sa: IkeSa, local: Endpoint, remote: Endpoint): void {
    if (local.port !== IKE_NAT_T_PORT && !sa.natLocal && !sa.natRemote) return;
    sa.local = local;
    sa.remote = remote;
  }

  answerCritical(fvrf: string | undefined, local: Endpoint, remote: Endpoint, bytes: Uint8Array, payloadType: number): void {
    // Only IKE_SA_INIT can be answered in the clear (RFC 7296 §2.21.1).
    if (bytes.length < 28 || bytes[18] !== IkeExchangeType.IKE_SA_INIT || (bytes[19] & 0x20) !== 0) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, 28);
    const reply = buildIkeMessage({
      initiatorSpi: view.getBigUint64(0),
      responderSpi: 0n,
      exchangeType: IkeExchangeType.IKE_SA_INIT,
      initiator: false,
      response: true,
      messageId: 0,
      payloads: [notify(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, Uint8Array.of(payloadType))],
    });
    this.host.send(fvrf, local, remote, reply);
  }

  // --- IKE_AUTH -----------------------------------------------------------------------------

  // --- Ending -------------------------------------------------------------------------------

  fail(sa: IkeSa, reason: string, severity: number): void {
    this.host.log("IKEV2", severity, "NEG_ABORT", `Negotiation aborted due to ERROR: ${reason}`);
    this.remove(sa, reason, false);
  }

  /** Forgets an SA and its children without telling the peer. */
  remove(sa: IkeSa, reason: string, logged: boolean): void {
    if (sa.state === "dead") return;
    if (sa.superseded) {
      // Rekeyed: its children and binding live on in its successor.
      sa.state = "dead";
      sa.cancelTimers();
      sa.pending = undefined;
      sa.queue.length = 0;
      this.byLocalSpi.delete(sa.localSpi);
      return;
    }
    const wasUp = sa.state === "established" || sa.state === "deleting";
    this.internal(sa, `Deleting SA: ${reason}`);
    sa.state = "dead";
    sa.cancelTimers();
    sa.pending = undefined;
    sa.queue.length = 0;
    for (const child of [...sa.children]) this.dropChild(sa, child);
    this.byLocalSpi.delete(sa.localSpi);
    for (const [key, half] of this.halfOpen) if (half === sa) this.halfOpen.delete(key);
    if (wasUp && !sa.duplicate) {
      if (!logged) this.host.log("IKEV2", 5, "SA_DOWN", "SA DOWN");
      this.host.log("CRYPTO", 5, "IKEV2_SESSION_STATUS", `Crypto tunnel v2 is DOWN.  Peer ${formatIpv4(sa.remote.address)}:${sa.remote.port}       Id: ${sa.remoteId ? identityText(sa.remoteId) : ""}`);
    }
    this.host.saDown(sa, reason);
  }

  close(): void {
    for (const sa of this.sas()) {
      sa.cancelTimers();
      sa.state = "dead";
    }
    this.byLocalSpi.clear();
    this.halfOpen.clear();
  }

  // --- The exchanges and timers, one file each (`this` is the engine in them) ----------

  // retransmit.ts
  readonly request = request;
  readonly armRetransmit = armRetransmit;
  readonly finishRequest = finishRequest;
  readonly respond = respond;
  readonly finishRequestBefore = finishRequestBefore;

  // sa-init.ts
  readonly initiate = initiate;
  readonly sendInit = sendInit;
  readonly initResponse = initResponse;
  readonly detectNat = detectNat;
  readonly cookieFor = cookieFor;
  readonly initRequest = initRequest;
  readonly fragmentationMtu = fragmentationMtu;

  // ike-auth.ts
  readonly trustedCas = trustedCas;
  readonly ourCertificate = ourCertificate;
  readonly ourAuth = ourAuth;
  readonly verifyPeerAuth = verifyPeerAuth;
  readonly parseCertificate = parseCertificate;
  readonly peerCertificate = peerCertificate;
  readonly sendAuth = sendAuth;
  readonly authResponse = authResponse;
  readonly authFailedLocally = authFailedLocally;
  readonly authRequest = authRequest;
  readonly initialContact = initialContact;
  readonly established = established;

  // child.ts
  readonly newChildSpi = newChildSpi;
  readonly localEspProposals = localEspProposals;
  readonly selectors = selectors;
  readonly addChild = addChild;
  readonly ipsecProfileOf = ipsecProfileOf;
  readonly pfsGroupOf = pfsGroupOf;
  readonly childLifetimes = childLifetimes;
  readonly ownerOf = ownerOf;
  readonly childSoftExpired = childSoftExpired;
  readonly childHardExpired = childHardExpired;

  // collisions.ts
  readonly settleChildCollision = settleChildCollision;
  readonly resolveDuplicateSa = resolveDuplicateSa;
  readonly settleIkeRekeyCollision = settleIkeRekeyCollision;

  // rekey.ts
  readonly armIkeRekey = armIkeRekey;
  readonly rekeyIkeSa = rekeyIkeSa;
  readonly ikeRekeyRequest = ikeRekeyRequest;
  readonly successor = successor;
  readonly deleteSuperseded = deleteSuperseded;
  readonly rekeyChild = rekeyChild;
  readonly createChildRequest = createChildRequest;

  // informational.ts
  readonly informationalRequest = informationalRequest;
  readonly deleteChild = deleteChild;
  readonly dropChild = dropChild;
  readonly delete = deleteSa;
  readonly startDpd = startDpd;
  readonly liveness = liveness;
}
