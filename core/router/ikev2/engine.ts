// The IKEv2 protocol engine of one router (RFC 7296): IKE SAs by SPI, the IKE_SA_INIT and
// IKE_AUTH exchanges for initiator and responder (proposals, KE with INVALID_KE_PAYLOAD retry,
// cookies under load §2.6, NAT detection §2.23 and the float to UDP 4500, identities, PSK and
// RSA-signature AUTH, the first child SA, configuration payloads), CREATE_CHILD_SA rekeying of
// child SAs, INFORMATIONAL (delete, DPD liveness), retransmission with backoff (§2.1) and
// message-ID windows of size 1 (§2.3). Everything router-specific — sockets, config, the PKI
// store, interfaces, address pools, installing ESP — is behind IkeHost.

import { createHash, randomBytes, X509Certificate } from "node:crypto";
import type { Clock } from "../clock/clock";
import type { ReadonlyRouterConfig, DeepReadonly } from "../config/model/router";
import type { Ikev2Profile } from "../config/model/crypto";
import { formatIpv4, ipv4, writeIpv4, type Ipv4 } from "../wire/addr";
import { isWireError } from "../wire/errors";
import { IkeCriticalPayloadError, IKE_PORT, IKE_NAT_T_PORT, buildIkeMessage, parseIkeMessage, type IkeMessage } from "../wire/ikev2";
import { buildPayloadBody, type CfgAttribute, type IkePayload, type TrafficSelector } from "../wire/ikev2-payloads";
import { AuthMethod, CertEncoding, IkeExchangeType, IkeProtocolId, NotifyType, TransformType, ikeExchangeTypeName, notifyTypeName } from "../wire/ikev2-registry";
import { invalidKeData, invalidKeGroup } from "../wire/ikev2-values";
import type { TrustpointCerts } from "../pki/store";
import {
  certReqData,
  checkPeerCertificate,
  identityText,
  noMatchReason,
  keyringKey,
  localIdentity,
  profileMatchesPeer,
  publicKeyOf,
  rsaSign,
  selectProfile,
  verifySignatureAuth,
  type IkeIdentity,
} from "./auth";
import { deriveChildKeys, deriveIkeKeys, dhGenerate, pskAuth, rekeyedSkeyseed, sameMac, signedOctets, skeyseed, type IkeSuite } from "./crypto";
import {
  acceptableDhGroups,
  chooseEspProposal,
  chooseIkeProposal,
  childSuiteOf,
  espProposalFromTransformSet,
  ikeOffer,
  IOS_DEFAULT_TRANSFORM_SETS,
  localIkeProposals,
  preferredDhGroup,
  suiteOf,
  type ChildSuite,
  type LocalProposal,
} from "./proposals";
import { FLEXVPN_VENDOR_ID, findNotify, hex32, hex64, natHash, notify, payloadList, readSpi, readU64, spi4, spiBytes } from "./messages";
import { IkeSa, type ChildSa, type Endpoint, type InitiateRequest, type PendingRequest } from "./sa";


/** RFC 7296 §2.1 style: retransmit after 2 s, doubling, five times (IOS's default count). */
export const RETRANSMIT_FIRST_MS = 2_000;
export const RETRANSMIT_LIMIT = 5;
/** Half-open SAs beyond which the responder asks for a cookie (RFC 7296 §2.6). */
export const DEFAULT_COOKIE_THRESHOLD = 100;
/** Peer certificates kept parsed. */
const CERT_CACHE_SIZE = 1024;
/** Cookie round trips an initiator makes before giving up (strongSwan's limit too). */
const MAX_COOKIE_RETRIES = 3;
/** IOS rekeys a child SA this long before its lifetime ends. */
const CHILD_REKEY_MARGIN = 0.9;
const NONCE_LENGTH = 32;
/** IOS's default IPsec SA lifetime. */
export const CHILD_LIFETIME_SEC = 3600;

export interface IkeHost {
  readonly clock: Clock;
  config(): ReadonlyRouterConfig;
  trustpoint(name: string): TrustpointCerts | undefined;
  /** Sends an IKE message; on port 4500 the host puts the non-ESP marker in front. */
  send(fvrf: string | undefined, local: Endpoint, remote: Endpoint, message: Uint8Array): void;
  log(facility: string, severity: number, mnemonic: string, text: string): void;
  debugOn(): boolean;
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
}

export class IkeEngine {
  private readonly byLocalSpi = new Map<bigint, IkeSa>();
  /** SPIs offered in an IKE SA rekey not yet answered. */
  private readonly reservedSpis = new Set<bigint>();
  /** Half-open responder SAs by (peer address, port, initiator SPI): a retransmitted INIT. */
  private readonly halfOpen = new Map<string, IkeSa>();
  private nextId = 1;
  private readonly cookieSecret = randomBytes(32);
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
  };
  cookieThreshold: number;

  constructor(
    private readonly host: IkeHost,
    options: IkeEngineOptions = {},
  ) {
    this.cookieThreshold = options.cookieThreshold ?? DEFAULT_COOKIE_THRESHOLD;
  }

  sas(): IkeSa[] {
    return [...this.byLocalSpi.values()].sort((a, b) => a.id - b.id);
  }

  private get clock(): Clock {
    return this.host.clock;
  }

  private newSpi(): bigint {
    for (;;) {
      const spi = new DataView(randomBytes(8).buffer).getBigUint64(0);
      if (spi !== 0n && !this.byLocalSpi.has(spi) && !this.reservedSpis.has(spi)) return spi;
    }
  }

  private profile(name: string | undefined): DeepReadonly<Ikev2Profile> | undefined {
    return name === undefined ? undefined : this.host.config().crypto.ikev2.profiles[name];
  }

  // --- Sending ----------------------------------------------------------------------------

  private transmit(sa: IkeSa, bytes: Uint8Array, what: string): void {
    if (this.host.debugOn()) this.debugPacket(sa, "Sending", bytes, what);
    this.host.send(sa.fvrf, sa.local, sa.remote, bytes);
  }

  private debugPacket(sa: IkeSa, verb: "Sending" | "Received", bytes: Uint8Array, what: string): void {
    const peer = `${formatIpv4(sa.remote.address)}:${sa.remote.port}`;
    const local = `${formatIpv4(sa.local.address)}:${sa.local.port}`;
    const dir = verb === "Sending" ? `To ${peer}/From ${local}` : `From ${peer}/To ${local}`;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const exchange = ikeExchangeTypeName(bytes[18]);
    const response = (bytes[19] & 0x20) !== 0;
    this.host.debug(
      `IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):${verb} Packet [${dir}/VRF i0:f0] \n` +
        `Initiator SPI : ${hex64(sa.spiI)} - Responder SPI : ${hex64(sa.spiR)} Message id: ${view.getUint32(20)}\n` +
        `IKEv2 ${exchange} Exchange ${response ? "RESPONSE" : "REQUEST"} \nPayload contents: \n ${what}`,
    );
  }

  /** Sends a request, retransmitting with backoff until its response comes; queues it when
   * one is outstanding (window size 1). */
  private request(sa: IkeSa, exchangeType: number, build: (messageId: number) => { bytes: Uint8Array; what: string }, onResponse: PendingRequest["onResponse"], onTimeout: () => void): void {
    const start = (): void => {
      if (sa.state === "dead") return;
      const messageId = sa.nextRequestId++;
      const { bytes, what } = build(messageId);
      const pending: PendingRequest = { messageId, exchangeType, bytes, onResponse, onTimeout, tries: 0, timer: undefined };
      sa.pending = pending;
      this.transmit(sa, bytes, what);
      this.armRetransmit(sa, pending);
    };
    if (sa.pending) sa.queue.push(start);
    else start();
  }

  private armRetransmit(sa: IkeSa, pending: PendingRequest): void {
    const delay = RETRANSMIT_FIRST_MS * 2 ** pending.tries;
    pending.timer = this.clock.after(delay, () => {
      if (sa.pending !== pending) return;
      if (pending.tries >= RETRANSMIT_LIMIT) {
        sa.pending = undefined;
        pending.onTimeout();
        return;
      }
      pending.tries++;
      this.stats.retransmits++;
      if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Retransmitting packet`);
      this.host.send(sa.fvrf, sa.local, sa.remote, pending.bytes);
      this.armRetransmit(sa, pending);
    });
  }

  private finishRequest(sa: IkeSa): void {
    sa.pending?.timer?.cancel();
    sa.pending = undefined;
    const next = sa.queue.shift();
    if (next) next();
  }

  private respond(sa: IkeSa, messageId: number, bytes: Uint8Array, what: string): void {
    sa.lastResponse = { messageId, bytes };
    this.transmit(sa, bytes, what);
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
        if (this.host.debugOn()) this.debugPacket(sa, "Received", bytes, payloadList(m.payloads));
        sa.lastInboundMs = this.clock.now();
        pending.onResponse([...m.payloads], parsed);
        return;
      }
      const payloads = sa.open(parsed);
      if (payloads === "integrity" || isWireError(payloads)) {
        this.stats.integrityFailed++;
        return;
      }
      if (this.host.debugOn()) this.debugPacket(sa, "Received", bytes, payloadList(payloads));
      sa.lastInboundMs = this.clock.now();
      this.followPorts(sa, local, remote);
      this.finishRequestBefore(sa, () => pending.onResponse(payloads, parsed));
      return;
    }
    // A request from the peer.
    if (sa.lastResponse && m.messageId === sa.lastResponse.messageId && m.messageId + 1 === sa.nextPeerRequestId) {
      this.host.send(sa.fvrf, local, remote, sa.lastResponse.bytes); // it lost our response
      return;
    }
    if (m.messageId !== sa.nextPeerRequestId) return;
    if (sa.keys === undefined) return;
    const payloads = sa.open(parsed);
    if (payloads === "integrity" || isWireError(payloads)) {
      this.stats.integrityFailed++;
      return;
    }
    if (this.host.debugOn()) this.debugPacket(sa, "Received", bytes, payloadList(payloads));
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

  /** RFC 7296 §2.23: once on UDP 4500, or with a NAT in between, an authenticated message's
   * ports are the SA's from now on (the NAT may have moved the peer's). */
  private followPorts(sa: IkeSa, local: Endpoint, remote: Endpoint): void {
    if (local.port !== IKE_NAT_T_PORT && !sa.natLocal && !sa.natRemote) return;
    sa.local = local;
    sa.remote = remote;
  }

  private finishRequestBefore(sa: IkeSa, handle: () => void): void {
    sa.pending?.timer?.cancel();
    sa.pending = undefined;
    handle();
    if (!sa.pending && sa.state !== "dead") {
      const next = sa.queue.shift();
      if (next) next();
    }
  }

  private answerCritical(fvrf: string | undefined, local: Endpoint, remote: Endpoint, bytes: Uint8Array, payloadType: number): void {
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

  // --- IKE_SA_INIT ------------------------------------------------------------------------

  /** Starts an IKE SA toward `request.remote` (RFC 7296 §1.2). */
  initiate(request: InitiateRequest): IkeSa {
    const profile = this.profile(request.ikev2Profile);
    const sa = new IkeSa({ id: this.nextId++, role: "initiator", spiI: this.newSpi(), local: { address: request.local, port: IKE_PORT }, remote: { address: request.remote, port: IKE_PORT }, fvrf: request.fvrf, nowMs: this.clock.now() });
    sa.request = request;
    sa.profile = request.ikev2Profile;
    sa.interfaceName = request.tunnel;
    sa.dpd = profile?.dpd;
    if (profile?.lifetimeSec) sa.lifetimeSec = profile.lifetimeSec;
    sa.initialContact = !this.sas().some((o) => o.state === "established" && o.remote.address === request.remote);
    this.byLocalSpi.set(sa.spiI, sa);
    this.stats.outgoingRequests++;
    const proposals = localIkeProposals(this.host.config(), request.fvrf, request.local);
    this.sendInit(sa, proposals, preferredDhGroup(proposals), undefined);
    return sa;
  }

  /** The IKE_SA_INIT request; a retry with a cookie keeps the nonce and KE it answers
   * (RFC 7296 §2.6: the cookie is bound to Ni), one after INVALID_KE_PAYLOAD makes a new KE. */
  private sendInit(sa: IkeSa, proposals: LocalProposal[], group: number, cookie: Uint8Array | undefined): void {
    if (sa.dh === undefined || sa.dh.group !== group) sa.dh = dhGenerate(group);
    if (sa.ni.length === 0) sa.ni = new Uint8Array(randomBytes(NONCE_LENGTH));
    sa.nextRequestId = 0;
    const payloads: IkePayload[] = [
      ...(cookie ? [notify(NotifyType.COOKIE, cookie)] : []),
      { kind: "sa", proposals: ikeOffer(proposals) },
      { kind: "ke", dhGroup: group, data: sa.dh.publicValue },
      { kind: "nonce", data: sa.ni },
      notify(NotifyType.NAT_DETECTION_SOURCE_IP, natHash(sa.spiI, 0n, sa.local)),
      notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natHash(sa.spiI, 0n, sa.remote)),
      { kind: "vendor-id", data: FLEXVPN_VENDOR_ID },
    ];
    this.request(
      sa,
      IkeExchangeType.IKE_SA_INIT,
      (messageId) => {
        const bytes = buildIkeMessage({ initiatorSpi: sa.spiI, responderSpi: 0n, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: true, response: false, messageId, payloads });
        sa.ourInit = bytes;
        return { bytes, what: payloadList(payloads) };
      },
      (reply, message) => this.initResponse(sa, proposals, reply, message),
      () => this.fail(sa, "IKE_SA_INIT not answered", 4),
    );
  }

  private initResponse(sa: IkeSa, proposals: LocalProposal[], payloads: IkePayload[], message: IkeMessage): void {
    sa.pending?.timer?.cancel();
    sa.pending = undefined;
    const cookie = findNotify(payloads, NotifyType.COOKIE);
    if (cookie) {
      // RFC 7296 §2.6: repeat the request with the cookie first; a responder that keeps
      // asking is given up on.
      if (++sa.cookieRetries > MAX_COOKIE_RETRIES) {
        this.fail(sa, "The responder keeps asking for a cookie", 3);
        return;
      }
      this.sendInit(sa, proposals, sa.dh!.group, cookie.data.slice());
      return;
    }
    const invalidKe = findNotify(payloads, NotifyType.INVALID_KE_PAYLOAD);
    if (invalidKe) {
      const group = invalidKeGroup(invalidKe.data);
      if (group !== undefined && acceptableDhGroups(proposals).includes(group) && group !== sa.dh!.group) {
        if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Received INVALID_KE_PAYLOAD, retrying with DH group ${group}`);
        this.sendInit(sa, proposals, group, undefined);
        return;
      }
      this.fail(sa, "Received INVALID_KE_PAYLOAD with an unacceptable group", 3);
      return;
    }
    const error = payloads.find((p) => p.kind === "notify" && p.notifyType < 16384);
    if (error && error.kind === "notify") {
      if (error.notifyType === NotifyType.NO_PROPOSAL_CHOSEN) this.stats.noProposal++;
      this.fail(sa, `Received ${notifyTypeName(error.notifyType)}`, 3);
      return;
    }
    const saPayload = payloads.find((p) => p.kind === "sa");
    const ke = payloads.find((p) => p.kind === "ke");
    const nonce = payloads.find((p) => p.kind === "nonce");
    if (!saPayload || saPayload.kind !== "sa" || saPayload.proposals.length !== 1 || !ke || ke.kind !== "ke" || !nonce || nonce.kind !== "nonce") {
      this.fail(sa, "Malformed IKE_SA_INIT response", 3);
      return;
    }
    const suite = suiteOf(saPayload.proposals[0]);
    const chosenOk = suite !== undefined && chooseIkeProposal(saPayload.proposals, proposals) !== undefined;
    if (!suite || !chosenOk || suite.dhGroup !== sa.dh!.group || ke.dhGroup !== sa.dh!.group) {
      this.fail(sa, "The responder chose a proposal we did not offer", 3);
      return;
    }
    const gir = sa.dh!.computeSecret(ke.data);
    if (!gir) {
      this.fail(sa, "Invalid KE payload from the responder", 3);
      return;
    }
    sa.spiR = message.repr.responderSpi;
    sa.nr = nonce.data.slice();
    sa.peerInit = message.raw.slice();
    sa.suite = suite;
    sa.keys = deriveIkeKeys(suite, skeyseed(suite.prf, sa.ni, sa.nr, gir), sa.ni, sa.nr, sa.spiI, sa.spiR);
    sa.dh = undefined;
    this.detectNat(sa, payloads);
    sa.state = "init-done";
    this.sendAuth(sa);
  }

  /** RFC 7296 §2.23: compare the peer's NAT detection hashes with the addresses we see. */
  private detectNat(sa: IkeSa, payloads: readonly IkePayload[]): void {
    const src = payloads.filter((p) => p.kind === "notify" && p.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP);
    const dst = findNotify(payloads, NotifyType.NAT_DETECTION_DESTINATION_IP);
    if (src.length === 0 || !dst) return;
    const spiR = sa.role === "initiator" ? sa.spiR : 0n;
    const spiRForPeer = sa.role === "initiator" ? sa.spiR : 0n;
    sa.natLocal = !sameMac(dst.data, natHash(sa.spiI, spiR, sa.local));
    const peerHash = natHash(sa.spiI, spiRForPeer, sa.remote);
    sa.natRemote = !src.some((p) => p.kind === "notify" && sameMac(p.data, peerHash));
  }

  private cookieFor(ni: Uint8Array, remote: Endpoint, spiI: bigint): Uint8Array {
    const ip = new Uint8Array(4);
    writeIpv4(ip, 0, remote.address);
    const h = createHash("sha256").update(ni).update(ip).update(spiBytes(spiI)).update(this.cookieSecret).digest();
    return new Uint8Array(h.subarray(0, 16));
  }

  private initRequest(fvrf: string | undefined, local: Endpoint, remote: Endpoint, message: IkeMessage): void {
    const m = message.repr;
    this.stats.incomingRequests++;
    const key = `${remote.address}:${remote.port}:${m.initiatorSpi}`;
    const existing = this.halfOpen.get(key);
    if (existing) {
      if (existing.lastResponse) this.host.send(fvrf, local, remote, existing.lastResponse.bytes);
      return;
    }
    const reply = (payloads: IkePayload[]): void => {
      this.host.send(fvrf, local, remote, buildIkeMessage({ initiatorSpi: m.initiatorSpi, responderSpi: 0n, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: false, response: true, messageId: m.messageId, payloads }));
    };
    const saPayload = m.payloads.find((p) => p.kind === "sa");
    const ke = m.payloads.find((p) => p.kind === "ke");
    const nonce = m.payloads.find((p) => p.kind === "nonce");
    if (!saPayload || saPayload.kind !== "sa" || !ke || ke.kind !== "ke" || !nonce || nonce.kind !== "nonce" || m.messageId !== 0) {
      this.stats.malformed++;
      reply([notify(NotifyType.INVALID_SYNTAX, new Uint8Array(0))]);
      return;
    }
    // RFC 7296 §2.6: under load, answer only requests that return our cookie.
    if (this.halfOpen.size >= this.cookieThreshold) {
      const expected = this.cookieFor(nonce.data, remote, m.initiatorSpi);
      const cookie = findNotify(m.payloads, NotifyType.COOKIE);
      if (!cookie || !sameMac(cookie.data, expected)) {
        this.stats.cookiesSent++;
        reply([notify(NotifyType.COOKIE, expected)]);
        return;
      }
      this.stats.cookiesAccepted++;
    }
    const proposals = localIkeProposals(this.host.config(), fvrf, local.address);
    const choice = chooseIkeProposal(saPayload.proposals, proposals, ke.dhGroup);
    if (!choice) {
      this.stats.noProposal++;
      this.host.log("IKEV2", 3, "NEG_ABORT", `Negotiation aborted due to ERROR: Failed to find a matching policy (peer ${formatIpv4(remote.address)})`);
      reply([notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))]);
      return;
    }
    if (choice.suite.dhGroup !== ke.dhGroup) {
      reply([notify(NotifyType.INVALID_KE_PAYLOAD, invalidKeData(choice.suite.dhGroup))]);
      return;
    }
    const dh = dhGenerate(ke.dhGroup);
    const gir = dh.computeSecret(ke.data);
    if (!gir) {
      this.stats.malformed++;
      reply([notify(NotifyType.INVALID_SYNTAX, new Uint8Array(0))]);
      return;
    }
    const sa = new IkeSa({ id: this.nextId++, role: "responder", spiI: m.initiatorSpi, local, remote, fvrf, nowMs: this.clock.now() });
    sa.spiR = this.newSpi();
    sa.ni = nonce.data.slice();
    sa.nr = new Uint8Array(randomBytes(NONCE_LENGTH));
    sa.suite = choice.suite;
    sa.peerInit = message.raw.slice();
    sa.keys = deriveIkeKeys(choice.suite, skeyseed(choice.suite.prf, sa.ni, sa.nr, gir), sa.ni, sa.nr, sa.spiI, sa.spiR);
    this.detectNat(sa, m.payloads);
    const cas = this.trustedCas(undefined);
    const payloads: IkePayload[] = [
      { kind: "sa", proposals: [choice.proposal] },
      { kind: "ke", dhGroup: ke.dhGroup, data: dh.publicValue },
      { kind: "nonce", data: sa.nr },
      notify(NotifyType.NAT_DETECTION_SOURCE_IP, natHash(sa.spiI, sa.spiR, local)),
      notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natHash(sa.spiI, sa.spiR, remote)),
      ...(cas.length ? [{ kind: "certreq" as const, encoding: CertEncoding.X509_CERT_SIGNATURE, data: certReqData(cas) }] : []),
      { kind: "vendor-id", data: FLEXVPN_VENDOR_ID },
    ];
    const bytes = buildIkeMessage({ initiatorSpi: sa.spiI, responderSpi: sa.spiR, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: false, response: true, messageId: 0, payloads });
    sa.ourInit = bytes;
    sa.nextPeerRequestId = 1;
    this.byLocalSpi.set(sa.spiR, sa);
    this.halfOpen.set(key, sa);
    this.stats.incomingAccepted++;
    if (this.host.debugOn()) this.debugPacket(sa, "Received", message.raw, payloadList(m.payloads));
    this.respond(sa, 0, bytes, payloadList(payloads));
    // A half-open SA that never authenticates goes away (IOS: 30 s... we use the retransmit span).
    sa.timers.push(
      this.clock.after(RETRANSMIT_FIRST_MS * 2 ** (RETRANSMIT_LIMIT + 1), () => {
        if (sa.state === "init-done") this.remove(sa, "half-open SA expired", false);
      }),
    );
  }

  /** The CAs of the trustpoints a profile names, or of every trustpoint when none is given. */
  private trustedCas(profile: DeepReadonly<Ikev2Profile> | undefined): X509Certificate[] {
    const names = profile ? profile.pkiTrustpoints : Object.keys(this.host.config().crypto.pki.trustpoints);
    return names.map((n) => this.host.trustpoint(n)?.ca).filter((c): c is X509Certificate => c !== undefined);
  }

  // --- IKE_AUTH -----------------------------------------------------------------------------

  private ourCertificate(profile: DeepReadonly<Ikev2Profile> | undefined): TrustpointCerts | undefined {
    for (const name of profile?.pkiTrustpoints ?? []) {
      const tp = this.host.trustpoint(name);
      if (tp?.cert && tp.key) return tp;
    }
    return undefined;
  }

  /** Our AUTH payload over our first message, the peer's nonce and our ID (RFC 7296 §2.15);
   * undefined with the reason when we cannot make one. */
  private ourAuth(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, idBody: Uint8Array, peerId: IkeIdentity | undefined): { method: number; data: Uint8Array; cert?: TrustpointCerts } | string {
    const suite = sa.suite!;
    const skP = sa.role === "initiator" ? sa.keys!.skPi : sa.keys!.skPr;
    const peerNonce = sa.role === "initiator" ? sa.nr : sa.ni;
    const octets = signedOctets(suite.prf, sa.ourInit, peerNonce, skP, idBody);
    const method = profile.authenticationLocal ?? "pre-share";
    if (method === "pre-share") {
      const keyring = profile.keyring ? this.host.config().crypto.ikev2.keyrings[profile.keyring.name] : undefined;
      const key = keyringKey(keyring, sa.remote.address, peerId, "local");
      if (key === undefined) return "Failed to locate an item in the database (no pre-shared key)";
      sa.authLocal = "PSK";
      return { method: AuthMethod.SHARED_KEY_MIC, data: pskAuth(suite.prf, new TextEncoder().encode(key), octets) };
    }
    const cert = this.ourCertificate(profile);
    if (!cert) return "No certificate and key in the profile's trustpoint";
    sa.authLocal = "RSA";
    return { method: AuthMethod.RSA_DIGITAL_SIGNATURE, data: rsaSign(cert.key!, octets), cert };
  }

  /** Checks the peer's AUTH; undefined when it proves the peer's identity, else the reason. */
  private verifyPeerAuth(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, id: IkeIdentity, idBody: Uint8Array, auth: { method: number; data: Uint8Array }, cert: X509Certificate | undefined): string | undefined {
    const suite = sa.suite!;
    const skP = sa.role === "initiator" ? sa.keys!.skPr : sa.keys!.skPi;
    const ourNonce = sa.role === "initiator" ? sa.ni : sa.nr;
    const octets = signedOctets(suite.prf, sa.peerInit, ourNonce, skP, idBody);
    const allowed = profile.authenticationRemote.length ? profile.authenticationRemote : ["pre-share"];
    if (auth.method === AuthMethod.SHARED_KEY_MIC) {
      if (!allowed.includes("pre-share")) return "Peer used pre-share, the profile expects a signature";
      const keyring = profile.keyring ? this.host.config().crypto.ikev2.keyrings[profile.keyring.name] : undefined;
      const key = keyringKey(keyring, sa.remote.address, id, "remote");
      if (key === undefined) return "Failed to locate an item in the database (no pre-shared key for the peer)";
      sa.authRemote = "PSK";
      return sameMac(auth.data, pskAuth(suite.prf, new TextEncoder().encode(key), octets)) ? undefined : "Auth exchange failed";
    }
    if (auth.method === AuthMethod.RSA_DIGITAL_SIGNATURE || auth.method === AuthMethod.DIGITAL_SIGNATURE) {
      if (!allowed.includes("rsa-sig")) return "Peer used rsa-sig, the profile expects pre-share";
      if (!cert) return "Peer sent no certificate";
      sa.authRemote = "RSA";
      return verifySignatureAuth(auth.method, auth.data, octets, publicKeyOf(cert)) ? undefined : "Auth exchange failed";
    }
    return `Unsupported authentication method ${auth.method}`;
  }

  /** The peer's certificate from its CERT payloads, checked against the profile's CAs;
   * a string when refused. */
  /** Parsed peer certificates by their DER's hash: a peer sends the same one on every
   * IKE_AUTH, and parsing is a good part of a signature IKE_AUTH's cost. Bounded. */
  private readonly certCache = new Map<string, X509Certificate>();

  private parseCertificate(der: Uint8Array): X509Certificate | undefined {
    const key = createHash("sha256").update(der).digest("base64");
    const cached = this.certCache.get(key);
    if (cached) return cached;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return undefined;
    }
    if (this.certCache.size >= CERT_CACHE_SIZE) this.certCache.delete(this.certCache.keys().next().value!);
    this.certCache.set(key, cert);
    return cert;
  }

  private peerCertificate(payloads: readonly IkePayload[], profileTrustpoints: readonly string[] | undefined): { cert: X509Certificate; trustpoint: string } | undefined | string {
    const certPayload = payloads.find((p) => p.kind === "cert" && p.encoding === CertEncoding.X509_CERT_SIGNATURE);
    if (!certPayload || certPayload.kind !== "cert") return undefined;
    const cert = this.parseCertificate(certPayload.data);
    if (!cert) return "The peer's certificate does not parse";
    const names = profileTrustpoints && profileTrustpoints.length ? profileTrustpoints : Object.keys(this.host.config().crypto.pki.trustpoints);
    const tps = names.map((n) => this.host.trustpoint(n)).filter((t): t is TrustpointCerts => t !== undefined);
    const check = checkPeerCertificate(cert, tps, this.clock.now());
    if ("problem" in check) {
      this.host.log("PKI", 3, check.mnemonic, check.problem);
      return "Failed to verify the peer's certificate";
    }
    return { cert, trustpoint: check.trustpoint.trustpoint };
  }

  private sendAuth(sa: IkeSa): void {
    const request = sa.request!;
    const profile = this.profile(request.ikev2Profile);
    if (!profile) {
      this.fail(sa, `IKEv2 profile ${request.ikev2Profile} not found`, 3);
      return;
    }
    const ourCert = this.ourCertificate(profile);
    const id = localIdentity(profile.identityLocal, sa.local.address, ourCert?.cert);
    sa.localId = id;
    const idPayload: IkePayload = { kind: "idi", idType: id.idType, data: id.data };
    const auth = this.ourAuth(sa, profile, buildPayloadBody(idPayload), undefined);
    if (typeof auth === "string") {
      this.fail(sa, auth, 3);
      return;
    }
    const ipsecProfile = this.host.config().crypto.ipsec.profiles[request.ipsecProfile];
    const childSpi = this.newChildSpi();
    const espOffer = this.localEspProposals(ipsecProfile?.transformSets ?? []);
    const ts = this.selectors(sa, request.vti);
    const cas = this.trustedCas(profile);
    const payloads: IkePayload[] = [
      idPayload,
      ...(auth.cert ? [{ kind: "cert" as const, encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(auth.cert.cert!.raw) }] : []),
      ...(profile.authenticationRemote.includes("rsa-sig") && cas.length ? [{ kind: "certreq" as const, encoding: CertEncoding.X509_CERT_SIGNATURE, data: certReqData(cas) }] : []),
      ...(sa.initialContact ? [notify(NotifyType.INITIAL_CONTACT, new Uint8Array(0))] : []),
      { kind: "auth", method: auth.method, data: auth.data },
      ...(request.wantsAddress || profile.aaaAuthorization.length ? [{ kind: "cp" as const, cfgType: 1, attributes: this.host.configRequest(sa, profile) }] : []),
      { kind: "sa", proposals: espOffer.map((transforms, i) => ({ number: i + 1, protocolId: IkeProtocolId.ESP, spi: spi4(childSpi), transforms })) },
      { kind: "tsi", selectors: ts.local },
      { kind: "tsr", selectors: ts.remote },
      ...(request.vti ? [] : [notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0))]),
    ];
    // RFC 7296 §2.23: with a NAT in between, move to 4500 from IKE_AUTH on.
    if (sa.natLocal || sa.natRemote) {
      sa.local = { address: sa.local.address, port: IKE_NAT_T_PORT };
      sa.remote = { address: sa.remote.address, port: IKE_NAT_T_PORT };
    }
    sa.state = "auth-sent";
    this.request(
      sa,
      IkeExchangeType.IKE_AUTH,
      (messageId) => ({ bytes: sa.seal(IkeExchangeType.IKE_AUTH, false, messageId, payloads), what: payloadList(payloads) }),
      (reply) => this.authResponse(sa, profile, childSpi, !request.vti, reply),
      () => this.fail(sa, "IKE_AUTH not answered", 4),
    );
  }

  private authResponse(sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, childSpi: number, transport: boolean, payloads: IkePayload[]): void {
    const error = payloads.find((p) => p.kind === "notify" && p.notifyType < 16384);
    const idr = payloads.find((p) => p.kind === "idr");
    const auth = payloads.find((p) => p.kind === "auth");
    if (error && error.kind === "notify" && (!idr || !auth)) {
      if (error.notifyType === NotifyType.AUTHENTICATION_FAILED) this.stats.authFailed++;
      this.fail(sa, `Received ${notifyTypeName(error.notifyType)}`, 3);
      return;
    }
    if (!idr || idr.kind !== "idr" || !auth || auth.kind !== "auth") {
      this.fail(sa, "Malformed IKE_AUTH response", 3);
      return;
    }
    const id: IkeIdentity = { idType: idr.idType, data: idr.data.slice() };
    const checked = this.peerCertificate(payloads, profile.pkiTrustpoints);
    if (typeof checked === "string") {
      this.authFailedLocally(sa, checked);
      return;
    }
    const cert = checked?.cert;
    const matches = profile.matchIdentityRemote.length === 0 && profile.matchCertificate.length === 0 ? true : profileMatchesPeer(profile, id, cert, this.host.config().crypto.pki.certificateMaps);
    if (!matches) {
      this.authFailedLocally(sa, `Failed to locate an item in the database (the responder ${noMatchReason([profile], id, cert, this.host.config().crypto.pki.certificateMaps)}; it does not match profile ${profile.name})`);
      return;
    }
    const problem = this.verifyPeerAuth(sa, profile, id, buildPayloadBody(idr), auth, cert);
    if (problem) {
      this.authFailedLocally(sa, problem);
      return;
    }
    sa.remoteId = id;
    sa.remoteCert = cert;
    const cp = payloads.find((p) => p.kind === "cp");
    if (cp && cp.kind === "cp") this.host.applyConfigReply(sa, cp.attributes);
    this.established(sa);
    const saPayload = payloads.find((p) => p.kind === "sa");
    const tsi = payloads.find((p) => p.kind === "tsi");
    const tsr = payloads.find((p) => p.kind === "tsr");
    if (saPayload?.kind === "sa" && saPayload.proposals.length === 1 && tsi?.kind === "tsi" && tsr?.kind === "tsr") {
      const suite = childSuiteOf(saPayload.proposals[0]);
      const peerSpi = saPayload.proposals[0].spi;
      const gotTransport = findNotify(payloads, NotifyType.USE_TRANSPORT_MODE) !== undefined;
      if (suite && peerSpi.length === 4) {
        this.addChild(sa, true, suite, childSpi, readSpi(peerSpi), sa.ni, sa.nr, transport && gotTransport ? "transport" : "tunnel", tsi.selectors, tsr.selectors, undefined);
      }
    }
  }

  private authFailedLocally(sa: IkeSa, reason: string): void {
    this.stats.authFailed++;
    // Tell the responder, then drop the SA (RFC 7296 §2.21.2).
    const payloads: IkePayload[] = [notify(NotifyType.AUTHENTICATION_FAILED, new Uint8Array(0))];
    const messageId = sa.nextRequestId++;
    this.transmit(sa, sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), payloadList(payloads));
    this.fail(sa, reason, 3);
  }

  private authRequest(sa: IkeSa, payloads: IkePayload[], message: IkeMessage): void {
    const messageId = message.repr.messageId;
    const reject = (reason: string, type: number = NotifyType.AUTHENTICATION_FAILED): void => {
      if (type === NotifyType.AUTHENTICATION_FAILED) this.stats.authFailed++;
      const reply = [notify(type, new Uint8Array(0))];
      this.respond(sa, messageId, sa.seal(IkeExchangeType.IKE_AUTH, true, messageId, reply), payloadList(reply));
      this.fail(sa, reason, 3);
    };
    const idi = payloads.find((p) => p.kind === "idi");
    const auth = payloads.find((p) => p.kind === "auth");
    if (!idi || idi.kind !== "idi" || !auth || auth.kind !== "auth") {
      reject("Malformed IKE_AUTH request", NotifyType.INVALID_SYNTAX);
      return;
    }
    const id: IkeIdentity = { idType: idi.idType, data: idi.data.slice() };
    const config = this.host.config();
    const checked = this.peerCertificate(payloads, undefined);
    if (typeof checked === "string") {
      reject(checked);
      return;
    }
    const cert = checked?.cert;
    const profile = selectProfile(Object.values(config.crypto.ikev2.profiles), id, cert, config.crypto.pki.certificateMaps, sa.fvrf);
    if (!profile) {
      reject(`Failed to locate an item in the database (no profile matches ${noMatchReason(Object.values(config.crypto.ikev2.profiles), id, cert, config.crypto.pki.certificateMaps)})`);
      return;
    }
    // The certificate must chain to one of the profile's own trustpoints.
    if (checked && profile.pkiTrustpoints.length && !profile.pkiTrustpoints.includes(checked.trustpoint)) {
      this.host.log("PKI", 3, "CERTIFICATE_INVALID_UNAUTHORIZED", `Certificate chain validation has failed.  Unauthorized (trustpoint ${checked.trustpoint} is not in profile ${profile.name})`);
      reject("Failed to verify the peer's certificate");
      return;
    }
    sa.profile = profile.name;
    sa.dpd = profile.dpd;
    if (profile.lifetimeSec) sa.lifetimeSec = profile.lifetimeSec;
    const problem = this.verifyPeerAuth(sa, profile, id, buildPayloadBody(idi), auth, cert);
    if (problem) {
      reject(problem);
      return;
    }
    sa.remoteId = id;
    sa.remoteCert = cert;
    const ourCert = this.ourCertificate(profile);
    const ourId = localIdentity(profile.identityLocal, sa.local.address, ourCert?.cert);
    sa.localId = ourId;
    const idrPayload: IkePayload = { kind: "idr", idType: ourId.idType, data: ourId.data };
    const ourAuth = this.ourAuth(sa, profile, buildPayloadBody(idrPayload), id);
    if (typeof ourAuth === "string") {
      reject(ourAuth);
      return;
    }
    if (findNotify(payloads, NotifyType.INITIAL_CONTACT)) this.initialContact(sa);
    const binding = this.host.bindResponder(sa, profile);
    if (!binding) {
      reject("No interface to bind the session to (virtual-template or tunnel)", NotifyType.AUTHENTICATION_FAILED);
      return;
    }
    sa.interfaceName = binding.interfaceName;
    const reply: IkePayload[] = [idrPayload];
    if (ourAuth.cert) reply.push({ kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(ourAuth.cert.cert!.raw) });
    reply.push({ kind: "auth", method: ourAuth.method, data: ourAuth.data });
    const cp = payloads.find((p) => p.kind === "cp");
    if (cp && cp.kind === "cp" && cp.cfgType === 1) {
      const attributes = this.host.configReply(sa, profile, cp.attributes);
      if (attributes === undefined) {
        reject("Failed to allocate an address from the pool", NotifyType.INTERNAL_ADDRESS_FAILURE);
        return;
      }
      reply.push({ kind: "cp", cfgType: 2, attributes });
    }
    // The first child SA (RFC 7296 §1.3 in IKE_AUTH); without one acceptable the IKE SA still stands (§2.21.3).
    const saPayload = payloads.find((p) => p.kind === "sa");
    const tsi = payloads.find((p) => p.kind === "tsi");
    const tsr = payloads.find((p) => p.kind === "tsr");
    const ipsecProfile = binding.ipsecProfile ? config.crypto.ipsec.profiles[binding.ipsecProfile] : undefined;
    let child: { suite: ChildSuite; ourSpi: number; peerSpi: number; mode: "transport" | "tunnel"; tsi: TrafficSelector[]; tsr: TrafficSelector[] } | undefined;
    if (saPayload?.kind === "sa" && tsi?.kind === "tsi" && tsr?.kind === "tsr") {
      const choice = chooseEspProposal(saPayload.proposals, this.localEspProposals(ipsecProfile?.transformSets ?? []));
      if (!choice) reply.push(notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0)));
      else {
        const ourSpi = this.newChildSpi();
        const transport = !binding.vti && findNotify(payloads, NotifyType.USE_TRANSPORT_MODE) !== undefined;
        reply.push({ kind: "sa", proposals: [{ ...choice.proposal, spi: spi4(ourSpi) }] }, { kind: "tsi", selectors: tsi.selectors }, { kind: "tsr", selectors: tsr.selectors });
        if (transport) reply.push(notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0)));
        child = { suite: choice.suite, ourSpi, peerSpi: readSpi(choice.proposal.spi), mode: transport ? "transport" : "tunnel", tsi: [...tsi.selectors], tsr: [...tsr.selectors] };
      }
    }
    this.respond(sa, messageId, sa.seal(IkeExchangeType.IKE_AUTH, true, messageId, reply), payloadList(reply));
    this.established(sa);
    if (child) this.addChild(sa, false, child.suite, child.ourSpi, child.peerSpi, sa.ni, sa.nr, child.mode, child.tsi, child.tsr, undefined);
  }

  /** INITIAL_CONTACT (RFC 7296 §2.4): the peer rebooted; its older SAs with us are stale. */
  private initialContact(sa: IkeSa): void {
    for (const other of this.sas()) {
      if (other === sa || other.state !== "established") continue;
      if (other.remote.address !== sa.remote.address) continue;
      if (other.remoteId && sa.remoteId && identityText(other.remoteId) !== identityText(sa.remoteId)) continue;
      this.remove(other, "INITIAL_CONTACT from the peer", false);
    }
  }

  private established(sa: IkeSa): void {
    sa.state = "established";
    if (sa.role === "initiator") this.stats.outgoingAccepted++;
    for (const [key, half] of this.halfOpen) if (half === sa) this.halfOpen.delete(key);
    sa.timers.forEach((t) => t.cancel());
    sa.timers = [];
    this.host.log("IKEV2", 5, "SA_UP", "SA UP");
    this.host.log("CRYPTO", 5, "IKEV2_SESSION_STATUS", `Crypto tunnel v2 is UP.  Peer ${formatIpv4(sa.remote.address)}:${sa.remote.port}       Id: ${sa.remoteId ? identityText(sa.remoteId) : ""}`);
    this.host.saUp(sa);
    this.startDpd(sa);
    this.armIkeRekey(sa);
  }

  // --- IKE SA rekey (RFC 7296 §1.3.2, §2.18) ----------------------------------------------------

  /** The original initiator rekeys the IKE SA before its lifetime (IOS: `lifetime`, 86400 s). */
  private armIkeRekey(sa: IkeSa): void {
    if (sa.role !== "initiator") return;
    sa.timers.push(this.clock.after(sa.lifetimeSec * 1000 * CHILD_REKEY_MARGIN, () => this.rekeyIkeSa(sa)));
  }

  /** CREATE_CHILD_SA with an IKE proposal, a new SPI, nonce and KE; the children move to the
   * new IKE SA and the old one is deleted. */
  rekeyIkeSa(sa: IkeSa): void {
    if (sa.state !== "established" || sa.superseded || !sa.suite) return;
    const group = sa.suite.dhGroup;
    const all = localIkeProposals(this.host.config(), sa.fvrf, sa.local.address);
    const withGroup = all.filter((p) => p.some((t) => t.type === TransformType.DH && t.id === group));
    const proposals = withGroup.length ? withGroup : all;
    const dh = dhGenerate(group);
    const ni = new Uint8Array(randomBytes(NONCE_LENGTH));
    const newSpi = this.newSpi();
    this.reservedSpis.add(newSpi);
    const payloads: IkePayload[] = [
      { kind: "sa", proposals: ikeOffer(proposals, spiBytes(newSpi)) },
      { kind: "nonce", data: ni },
      { kind: "ke", dhGroup: group, data: dh.publicValue },
    ];
    this.request(
      sa,
      IkeExchangeType.CREATE_CHILD_SA,
      (messageId) => ({ bytes: sa.seal(IkeExchangeType.CREATE_CHILD_SA, false, messageId, payloads), what: payloadList(payloads) }),
      (reply) => {
        this.reservedSpis.delete(newSpi);
        const saPayload = reply.find((p) => p.kind === "sa");
        const nonce = reply.find((p) => p.kind === "nonce");
        const ke = reply.find((p) => p.kind === "ke");
        const suite = saPayload?.kind === "sa" && saPayload.proposals.length === 1 ? suiteOf(saPayload.proposals[0]) : undefined;
        const gir = ke?.kind === "ke" && ke.dhGroup === group ? dh.computeSecret(ke.data) : undefined;
        if (!suite || saPayload?.kind !== "sa" || saPayload.proposals[0].spi.length !== 8 || nonce?.kind !== "nonce" || !gir) {
          if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):IKE SA rekey refused or malformed; the SA stays`);
          return;
        }
        const peerSpi = readU64(saPayload.proposals[0].spi);
        // §2.18: the rekey's initiator is the new IKE SA's initiator.
        const next = this.successor(sa, "initiator", newSpi, peerSpi, suite, rekeyedSkeyseed(sa.suite!.prf, sa.keys!.skD, gir, ni, nonce.data), ni, nonce.data.slice());
        this.deleteSuperseded(sa, next);
      },
      () => this.fail(sa, "IKE SA rekey not answered", 4),
    );
  }

  private ikeRekeyRequest(sa: IkeSa, payloads: IkePayload[], answer: (reply: IkePayload[]) => void): void {
    const saPayload = payloads.find((p) => p.kind === "sa");
    const nonce = payloads.find((p) => p.kind === "nonce");
    const ke = payloads.find((p) => p.kind === "ke");
    if (saPayload?.kind !== "sa" || nonce?.kind !== "nonce" || ke?.kind !== "ke") {
      answer([notify(NotifyType.INVALID_SYNTAX, new Uint8Array(0))]);
      return;
    }
    const choice = chooseIkeProposal(saPayload.proposals, localIkeProposals(this.host.config(), sa.fvrf, sa.local.address), ke.dhGroup);
    if (!choice || choice.proposal.spi.length !== 8) {
      answer([notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))]);
      return;
    }
    if (choice.suite.dhGroup !== ke.dhGroup) {
      answer([notify(NotifyType.INVALID_KE_PAYLOAD, invalidKeData(choice.suite.dhGroup))]);
      return;
    }
    const dh = dhGenerate(ke.dhGroup);
    const gir = dh.computeSecret(ke.data);
    if (!gir) {
      answer([notify(NotifyType.INVALID_SYNTAX, new Uint8Array(0))]);
      return;
    }
    const ourSpi = this.newSpi();
    const nr = new Uint8Array(randomBytes(NONCE_LENGTH));
    answer([{ kind: "sa", proposals: [{ ...choice.proposal, spi: spiBytes(ourSpi) }] }, { kind: "nonce", data: nr }, { kind: "ke", dhGroup: ke.dhGroup, data: dh.publicValue }]);
    const peerSpi = readU64(choice.proposal.spi);
    this.successor(sa, "responder", peerSpi, ourSpi, choice.suite, rekeyedSkeyseed(sa.suite!.prf, sa.keys!.skD, gir, nonce.data, nr), nonce.data.slice(), nr);
    // The rekey's initiator deletes the old SA; until then it still answers.
    sa.superseded = true;
  }

  /** The IKE SA that replaces `old` after a rekey: same peer, identities and binding; the
   * children move over. */
  private successor(old: IkeSa, role: "initiator" | "responder", spiI: bigint, spiR: bigint, suite: IkeSuite, seed: Uint8Array, ni: Uint8Array, nr: Uint8Array): IkeSa {
    const next = new IkeSa({ id: old.id, role, spiI, local: old.local, remote: old.remote, fvrf: old.fvrf, nowMs: this.clock.now() });
    next.spiR = spiR;
    next.suite = suite;
    next.ni = ni;
    next.nr = nr;
    next.keys = deriveIkeKeys(suite, seed, ni, nr, spiI, spiR);
    for (const field of ["natLocal", "natRemote", "profile", "localId", "remoteId", "remoteCert", "authLocal", "authRemote", "dpd", "lifetimeSec", "request", "assignedAddress", "remoteSubnets", "interfaceName"] as const) {
      (next as unknown as Record<string, unknown>)[field] = old[field];
    }
    next.children.push(...old.children.splice(0));
    next.state = "established";
    old.superseded = true;
    this.byLocalSpi.set(next.localSpi, next);
    this.host.saReplaced(old, next);
    this.startDpd(next);
    this.armIkeRekey(next);
    if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${next.id},SA ID = ${next.id}):Rekeyed IKE SA ${hex64(old.localSpi)} -> ${hex64(next.localSpi)}`);
    return next;
  }

  /** Deletes a rekeyed IKE SA on the old keys; its children already live on `next`. */
  private deleteSuperseded(old: IkeSa, next: IkeSa): void {
    void next;
    const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.IKE, spiSize: 0, spis: [] }];
    this.request(
      old,
      IkeExchangeType.INFORMATIONAL,
      (messageId) => ({ bytes: old.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
      () => this.remove(old, "Rekeyed", false),
      () => this.remove(old, "Rekeyed", false),
    );
  }

  // --- Child SAs -----------------------------------------------------------------------------

  private readonly childSpis = new Set<number>();

  private newChildSpi(): number {
    for (;;) {
      const spi = new DataView(randomBytes(4).buffer).getUint32(0);
      if (spi >= 256 && !this.childSpis.has(spi)) {
        this.childSpis.add(spi);
        return spi;
      }
    }
  }

  /** The ESP proposals of the IPsec profile's transform sets, or IOS's defaults. */
  private localEspProposals(transformSets: readonly string[]): LocalProposal[] {
    const config = this.host.config();
    const sets = transformSets.length ? transformSets.map((n) => config.crypto.ipsec.transformSets[n]).filter((t) => t !== undefined) : IOS_DEFAULT_TRANSFORM_SETS;
    return sets.map(espProposalFromTransformSet).filter((p): p is LocalProposal => p !== undefined);
  }

  /** GRE over IPsec protects GRE between the outer addresses (transport mode); a VTI any-to-any. */
  private selectors(sa: IkeSa, vti: boolean): { local: TrafficSelector[]; remote: TrafficSelector[] } {
    if (vti) {
      const any: TrafficSelector = { kind: "ipv4-range", ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: ipv4(0, 0, 0, 0), endAddress: ipv4(255, 255, 255, 255) };
      return { local: [any], remote: [any] };
    }
    const host = (a: Ipv4): TrafficSelector => ({ kind: "ipv4-range", ipProtocol: 47, startPort: 0, endPort: 65535, startAddress: a, endAddress: a });
    return { local: [host(sa.local.address)], remote: [host(sa.remote.address)] };
  }

  /** `weInitiated`: we sent the request of the exchange that made this child SA, so our
   * outbound keys are the initiator-to-responder ones (§2.17). */
  private addChild(sa: IkeSa, weInitiated: boolean, suite: ChildSuite, ourSpi: number, peerSpi: number, ni: Uint8Array, nr: Uint8Array, mode: "transport" | "tunnel", tsi: readonly TrafficSelector[], tsr: readonly TrafficSelector[], gir: Uint8Array | undefined): ChildSa {
    const k = deriveChildKeys(sa.suite!.prf, sa.keys!.skD, ni, nr, suite.encKeyLength, suite.integKeyLength, gir);
    const i2r = { encKey: k.encI2R, integKey: k.integI2R };
    const r2i = { encKey: k.encR2I, integKey: k.integR2I };
    const child: ChildSa = {
      suite,
      mode,
      inbound: { spi: ourSpi, ...(weInitiated ? r2i : i2r) },
      outbound: { spi: peerSpi, ...(weInitiated ? i2r : r2i) },
      tsi,
      tsr,
      createdMs: this.clock.now(),
      lifetimeSec: CHILD_LIFETIME_SEC,
      pfs: gir !== undefined,
    };
    sa.children.push(child);
    // The original initiator rekeys before the lifetime ends (IOS: at ~90%).
    if (sa.role === "initiator") child.rekeyTimer = this.clock.after(child.lifetimeSec * 1000 * CHILD_REKEY_MARGIN, () => this.rekeyChild(sa, child));
    this.host.childUp(sa, child);
    return child;
  }

  /** Rekeys a child SA with CREATE_CHILD_SA and N(REKEY_SA) (RFC 7296 §1.3.3), then deletes
   * the old one (make-before-break). */
  rekeyChild(sa: IkeSa, old: ChildSa): void {
    if (sa.state !== "established" || !sa.children.includes(old) || old.rekeying) return;
    old.rekeying = true;
    old.rekeyTimer?.cancel();
    const spi = this.newChildSpi();
    const ni = new Uint8Array(randomBytes(NONCE_LENGTH));
    const request = sa.request;
    const ipsecProfile = request ? this.host.config().crypto.ipsec.profiles[request.ipsecProfile] : undefined;
    const offer = this.localEspProposals(ipsecProfile?.transformSets ?? []);
    const payloads: IkePayload[] = [
      { kind: "notify", protocolId: IkeProtocolId.ESP, spi: spi4(old.inbound.spi), notifyType: NotifyType.REKEY_SA, data: new Uint8Array(0) },
      ...(old.mode === "transport" ? [notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0))] : []),
      { kind: "sa", proposals: offer.map((transforms, i) => ({ number: i + 1, protocolId: IkeProtocolId.ESP, spi: spi4(spi), transforms })) },
      { kind: "nonce", data: ni },
      { kind: "tsi", selectors: old.tsi },
      { kind: "tsr", selectors: old.tsr },
    ];
    this.request(
      sa,
      IkeExchangeType.CREATE_CHILD_SA,
      (messageId) => ({ bytes: sa.seal(IkeExchangeType.CREATE_CHILD_SA, false, messageId, payloads), what: payloadList(payloads) }),
      (reply) => {
        const saPayload = reply.find((p) => p.kind === "sa");
        const nonce = reply.find((p) => p.kind === "nonce");
        if (saPayload?.kind !== "sa" || saPayload.proposals.length !== 1 || nonce?.kind !== "nonce") return;
        const suite = childSuiteOf(saPayload.proposals[0]);
        if (!suite) return;
        // KEYMAT uses this exchange's nonces, initiator's (ours) first (§2.17).
        const child = this.addChild(sa, true, suite, spi, readSpi(saPayload.proposals[0].spi), ni, nonce.data.slice(), old.mode, old.tsi, old.tsr, undefined);
        if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Rekeyed child SA ${hex32(old.inbound.spi)} -> ${hex32(child.inbound.spi)}`);
        this.deleteChild(sa, old);
      },
      () => this.fail(sa, "CREATE_CHILD_SA not answered", 4),
    );
  }

  private createChildRequest(sa: IkeSa, messageId: number, payloads: IkePayload[]): void {
    const answer = (reply: IkePayload[]): void => this.respond(sa, messageId, sa.seal(IkeExchangeType.CREATE_CHILD_SA, true, messageId, reply), payloadList(reply));
    const rekey = payloads.find((p) => p.kind === "notify" && p.notifyType === NotifyType.REKEY_SA);
    const saPayload = payloads.find((p) => p.kind === "sa");
    const nonce = payloads.find((p) => p.kind === "nonce");
    const tsi = payloads.find((p) => p.kind === "tsi");
    const tsr = payloads.find((p) => p.kind === "tsr");
    if (saPayload?.kind === "sa" && saPayload.proposals[0]?.protocolId === IkeProtocolId.IKE) {
      this.ikeRekeyRequest(sa, payloads, answer);
      return;
    }
    if (!rekey || rekey.kind !== "notify" || saPayload?.kind !== "sa" || nonce?.kind !== "nonce" || tsi?.kind !== "tsi" || tsr?.kind !== "tsr") {
      // New child SAs beyond the first are not what IOS FlexVPN peers ask for; refuse politely.
      answer([notify(NotifyType.NO_ADDITIONAL_SAS, new Uint8Array(0))]);
      return;
    }
    const old = sa.children.find((c) => c.outbound.spi === readSpi(rekey.spi));
    if (!old) {
      answer([{ kind: "notify", protocolId: IkeProtocolId.ESP, spi: rekey.spi, notifyType: NotifyType.CHILD_SA_NOT_FOUND, data: new Uint8Array(0) }]);
      return;
    }
    const binding = sa.interfaceName;
    const config = this.host.config();
    const ipsecName = binding ? config.interfaces[binding]?.tunnel?.protectionProfile : undefined;
    const transformSets = ipsecName ? (config.crypto.ipsec.profiles[ipsecName]?.transformSets ?? []) : [];
    const choice = chooseEspProposal(saPayload.proposals, this.localEspProposals(transformSets)) ?? chooseEspProposal(saPayload.proposals, this.localEspProposals([]));
    if (!choice) {
      answer([notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))]);
      return;
    }
    const ourSpi = this.newChildSpi();
    const nr = new Uint8Array(randomBytes(NONCE_LENGTH));
    const reply: IkePayload[] = [
      ...(old.mode === "transport" ? [notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0))] : []),
      { kind: "sa", proposals: [{ ...choice.proposal, spi: spi4(ourSpi) }] },
      { kind: "nonce", data: nr },
      { kind: "tsi", selectors: tsi.selectors },
      { kind: "tsr", selectors: tsr.selectors },
    ];
    answer(reply);
    // The peer initiated this exchange: its nonce is Ni and its keys come first (§2.17),
    // whatever our roles in the IKE SA.
    this.addChild(sa, false, choice.suite, ourSpi, readSpi(choice.proposal.spi), nonce.data.slice(), nr, old.mode, tsi.selectors, tsr.selectors, undefined);
  }

  // --- INFORMATIONAL ---------------------------------------------------------------------------

  private informationalRequest(sa: IkeSa, messageId: number, payloads: IkePayload[]): void {
    const reply: IkePayload[] = [];
    for (const p of payloads) {
      if (p.kind === "delete" && p.protocolId === IkeProtocolId.IKE) {
        this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, []), "");
        this.remove(sa, "Deleted by the peer", false);
        return;
      }
      if (p.kind === "delete" && p.protocolId === IkeProtocolId.ESP) {
        const ours: Uint8Array[] = [];
        for (const s of p.spis) {
          const child = sa.children.find((c) => c.outbound.spi === readSpi(s));
          if (!child) continue;
          ours.push(spi4(child.inbound.spi));
          this.dropChild(sa, child);
        }
        if (ours.length) reply.push({ kind: "delete", protocolId: IkeProtocolId.ESP, spiSize: 4, spis: ours });
      }
      if (p.kind === "notify" && p.notifyType === NotifyType.AUTHENTICATION_FAILED) {
        this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, []), "");
        this.fail(sa, "The peer failed to authenticate us", 3);
        return;
      }
    }
    this.respond(sa, messageId, sa.seal(IkeExchangeType.INFORMATIONAL, true, messageId, reply), payloadList(reply));
  }

  private deleteChild(sa: IkeSa, child: ChildSa): void {
    const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.ESP, spiSize: 4, spis: [spi4(child.inbound.spi)] }];
    this.request(
      sa,
      IkeExchangeType.INFORMATIONAL,
      (messageId) => ({ bytes: sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
      () => this.dropChild(sa, child),
      () => this.fail(sa, "INFORMATIONAL not answered", 4),
    );
  }

  private dropChild(sa: IkeSa, child: ChildSa): void {
    const at = sa.children.indexOf(child);
    if (at < 0) return;
    sa.children.splice(at, 1);
    child.rekeyTimer?.cancel();
    this.childSpis.delete(child.inbound.spi);
    this.host.childDown(sa, child);
  }

  /** Deletes an IKE SA and its children, telling the peer (`clear crypto ikev2 sa`). */
  delete(sa: IkeSa, reason = "Deleted locally"): void {
    if (sa.state === "dead") return;
    if (sa.state !== "established") {
      this.remove(sa, reason, false);
      return;
    }
    sa.state = "deleting";
    const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.IKE, spiSize: 0, spis: [] }];
    sa.queue.length = 0;
    sa.pending?.timer?.cancel();
    sa.pending = undefined;
    this.request(
      sa,
      IkeExchangeType.INFORMATIONAL,
      (messageId) => ({ bytes: sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
      () => this.remove(sa, reason, false),
      () => this.remove(sa, reason, false),
    );
  }

  /** DPD (RFC 7296 §2.4, IOS `dpd INTERVAL RETRY`): after INTERVAL seconds without hearing
   * from the peer, an empty INFORMATIONAL; retried every RETRY seconds, five times. */
  private startDpd(sa: IkeSa): void {
    const dpd = sa.dpd;
    if (!dpd) return;
    const check = (): void => {
      if (sa.state !== "established" || sa.pending) return;
      if (this.clock.now() - sa.lastInboundMs < dpd.intervalSec * 1000) return;
      this.liveness(sa, dpd.retrySec);
    };
    sa.timers.push(this.clock.every(dpd.intervalSec * 1000, check));
  }

  private liveness(sa: IkeSa, retrySec: number): void {
    const messageId = sa.nextRequestId++;
    const bytes = sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, []);
    let tries = 0;
    const pending: PendingRequest = {
      messageId,
      exchangeType: IkeExchangeType.INFORMATIONAL,
      bytes,
      tries: 0,
      timer: undefined,
      onResponse: () => undefined,
      onTimeout: () => undefined,
    };
    const arm = (): void => {
      pending.timer = this.clock.after(retrySec * 1000, () => {
        if (sa.pending !== pending) return;
        if (tries >= RETRANSMIT_LIMIT) {
          sa.pending = undefined;
          this.host.log("IKEV2", 5, "SA_DOWN", `SA DOWN`);
          this.remove(sa, "Dead peer detected", true);
          return;
        }
        tries++;
        this.stats.retransmits++;
        this.host.send(sa.fvrf, sa.local, sa.remote, bytes);
        arm();
      });
    };
    sa.pending = pending;
    if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Sending DPD/liveness query`);
    this.transmit(sa, bytes, "");
    arm();
  }

  // --- Ending -------------------------------------------------------------------------------

  private fail(sa: IkeSa, reason: string, severity: number): void {
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
    sa.state = "dead";
    sa.cancelTimers();
    sa.pending = undefined;
    sa.queue.length = 0;
    for (const child of [...sa.children]) this.dropChild(sa, child);
    this.byLocalSpi.delete(sa.localSpi);
    for (const [key, half] of this.halfOpen) if (half === sa) this.halfOpen.delete(key);
    if (wasUp) {
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
}
