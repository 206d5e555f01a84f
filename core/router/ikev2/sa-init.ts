// IKE_SA_INIT (RFC 7296 §1.2) for initiator and responder: proposals and KE with the
// INVALID_KE_PAYLOAD retry, cookies under load (§2.6), NAT detection (§2.23) and the
// half-open SA. Functions of IkeEngine (`this` is the engine), bound in engine.ts.

import { createHash, randomBytes } from "node:crypto";
import { formatIpv4, writeIpv4 } from "../wire/addr";
import { IKE_PORT, buildIkeMessage, type IkeMessage } from "../wire/ikev2";
import type { IkePayload } from "../wire/ikev2-payloads";
import { CertEncoding, IkeExchangeType, NotifyType, notifyTypeName } from "../wire/ikev2-registry";
import { invalidKeData, invalidKeGroup } from "../wire/ikev2-values";
import { certReqData } from "./auth";
import { deriveIkeKeys, dhGenerate, sameMac, skeyseed } from "./crypto";
import { acceptableDhGroups, chooseIkeProposal, ikeOffer, localIkeProposals, preferredDhGroup, suiteOf, type LocalProposal } from "./proposals";
import { FLEXVPN_VENDOR_ID, findNotify, natHash, notify, payloadList, spiBytes } from "./messages";
import { IkeSa, type Endpoint, type InitiateRequest } from "./sa";
import { RETRANSMIT_FIRST_MS, RETRANSMIT_LIMIT } from "./retransmit";
import { FRAGMENTATION_DEFAULT_MTU } from "./fragments";
import type { IkeEngine } from "./engine";

/** Cookie round trips an initiator makes before giving up (strongSwan's limit too). */
export const MAX_COOKIE_RETRIES = 3;
export const NONCE_LENGTH = 32;

/** Starts an IKE SA toward `request.remote` (RFC 7296 §1.2). */
export function initiate(this: IkeEngine, request: InitiateRequest): IkeSa {
  const profile = this.profile(request.ikev2Profile);
  const sa = new IkeSa({ id: this.nextId++, role: "initiator", spiI: this.newSpi(), local: { address: request.local, port: IKE_PORT }, remote: { address: request.remote, port: IKE_PORT }, fvrf: request.fvrf, nowMs: this.clock.now() });
  sa.request = request;
  sa.profile = request.ikev2Profile;
  sa.interfaceName = request.tunnel;
  sa.ipsecProfile = request.ipsecProfile;
  sa.dpd = profile?.dpd;
  if (profile?.lifetimeSec) sa.lifetimeSec = profile.lifetimeSec;
  this.byLocalSpi.set(sa.spiI, sa);
  this.stats.outgoingRequests++;
  const proposals = localIkeProposals(this.host.config(), request.fvrf, request.local);
  this.internal(sa, `Found a matching policy; generating IKE_SA_INIT message for ${formatIpv4(request.remote)}`);
  this.sendInit(sa, proposals, preferredDhGroup(proposals), undefined);
  return sa;
}

/** The IKE_SA_INIT request; a retry with a cookie keeps the nonce and KE it answers
 * (RFC 7296 §2.6: the cookie is bound to Ni), one after INVALID_KE_PAYLOAD makes a new KE. */
export function sendInit(this: IkeEngine, sa: IkeSa, proposals: LocalProposal[], group: number, cookie: Uint8Array | undefined): void {
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
    // RFC 7383 §2.3: offered only when `crypto ikev2 fragmentation` is on.
    ...(this.fragmentationMtu() !== undefined ? [notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, new Uint8Array(0))] : []),
    { kind: "vendor-id", data: FLEXVPN_VENDOR_ID },
  ];
  this.request(
    sa,
    IkeExchangeType.IKE_SA_INIT,
    (messageId) => {
      const bytes = buildIkeMessage({ initiatorSpi: sa.spiI, responderSpi: 0n, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: true, response: false, messageId, payloads });
      sa.ourInit = bytes;
      return { datagrams: [bytes], what: payloadList(payloads) };
    },
    (reply, message) => this.initResponse(sa, proposals, reply, message),
    () => this.fail(sa, "IKE_SA_INIT not answered", 4),
  );
}

export function initResponse(this: IkeEngine, sa: IkeSa, proposals: LocalProposal[], payloads: IkePayload[], message: IkeMessage): void {
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
  this.internal(sa, `Processing IKE_SA_INIT message; computing DH secret key (group ${suite.dhGroup})`);
  sa.spiR = message.repr.responderSpi;
  sa.nr = nonce.data.slice();
  sa.peerInit = message.raw.slice();
  sa.suite = suite;
  sa.keys = deriveIkeKeys(suite, skeyseed(suite.prf, sa.ni, sa.nr, gir), sa.ni, sa.nr, sa.spiI, sa.spiR);
  sa.dh = undefined;
  this.detectNat(sa, payloads);
  // Both ends said they support fragmentation: our later messages may go in fragments.
  if (findNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)) sa.fragmentMtu = this.fragmentationMtu();
  sa.state = "init-done";
  this.sendAuth(sa);
}

/** RFC 7296 §2.23: compare the peer's NAT detection hashes with the addresses we see. */
export function detectNat(this: IkeEngine, sa: IkeSa, payloads: readonly IkePayload[]): void {
  const src = payloads.filter((p) => p.kind === "notify" && p.notifyType === NotifyType.NAT_DETECTION_SOURCE_IP);
  const dst = findNotify(payloads, NotifyType.NAT_DETECTION_DESTINATION_IP);
  if (src.length === 0 || !dst) return;
  const spiR = sa.role === "initiator" ? sa.spiR : 0n;
  const spiRForPeer = sa.role === "initiator" ? sa.spiR : 0n;
  sa.natLocal = !sameMac(dst.data, natHash(sa.spiI, spiR, sa.local));
  const peerHash = natHash(sa.spiI, spiRForPeer, sa.remote);
  sa.natRemote = !src.some((p) => p.kind === "notify" && sameMac(p.data, peerHash));
}

export function cookieFor(this: IkeEngine, ni: Uint8Array, remote: Endpoint, spiI: bigint): Uint8Array {
  const ip = new Uint8Array(4);
  writeIpv4(ip, 0, remote.address);
  const h = createHash("sha256").update(ni).update(ip).update(spiBytes(spiI)).update(this.cookieSecret).digest();
  return new Uint8Array(h.subarray(0, 16));
}

export function initRequest(this: IkeEngine, fvrf: string | undefined, local: Endpoint, remote: Endpoint, message: IkeMessage): void {
  const m = message.repr;
  this.stats.incomingRequests++;
  const key = `${remote.address}:${remote.port}:${m.initiatorSpi}`;
  const existing = this.halfOpen.get(key);
  if (existing) {
    if (existing.lastResponse) for (const d of existing.lastResponse.datagrams) this.host.send(fvrf, local, remote, d);
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
  if (findNotify(m.payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)) sa.fragmentMtu = this.fragmentationMtu();
  this.internal(sa, `Received valid parameters in init message; computing DH secret key (group ${ke.dhGroup}), NAT ${sa.natLocal || sa.natRemote ? "detected" : "not detected"}`);
  const cas = this.trustedCas(undefined);
  const payloads: IkePayload[] = [
    { kind: "sa", proposals: [choice.proposal] },
    { kind: "ke", dhGroup: ke.dhGroup, data: dh.publicValue },
    { kind: "nonce", data: sa.nr },
    notify(NotifyType.NAT_DETECTION_SOURCE_IP, natHash(sa.spiI, sa.spiR, local)),
    notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natHash(sa.spiI, sa.spiR, remote)),
    ...(cas.length ? [{ kind: "certreq" as const, encoding: CertEncoding.X509_CERT_SIGNATURE, data: certReqData(cas) }] : []),
    ...(sa.fragmentMtu !== undefined ? [notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, new Uint8Array(0))] : []),
    { kind: "vendor-id", data: FLEXVPN_VENDOR_ID },
  ];
  const bytes = buildIkeMessage({ initiatorSpi: sa.spiI, responderSpi: sa.spiR, exchangeType: IkeExchangeType.IKE_SA_INIT, initiator: false, response: true, messageId: 0, payloads });
  sa.ourInit = bytes;
  sa.nextPeerRequestId = 1;
  this.byLocalSpi.set(sa.spiR, sa);
  this.halfOpen.set(key, sa);
  this.stats.incomingAccepted++;
  if (this.debugPackets()) this.debugPacket(sa, "Received", message.raw, payloadList(m.payloads));
  this.respond(sa, 0, [bytes], payloadList(payloads));
  // A half-open SA that never authenticates goes away (IOS: 30 s... we use the retransmit span).
  sa.timers.push(
    this.clock.after(RETRANSMIT_FIRST_MS * 2 ** (RETRANSMIT_LIMIT + 1), () => {
      if (sa.state === "init-done") this.remove(sa, "half-open SA expired", false);
    }),
  );
}

/** `crypto ikev2 fragmentation [mtu N]`: the MTU our fragments are cut for, or undefined when
 * fragmentation is off. */
export function fragmentationMtu(this: IkeEngine): number | undefined {
  const f = this.host.config().crypto.ikev2.fragmentation;
  return f === undefined ? undefined : (f.mtu ?? FRAGMENTATION_DEFAULT_MTU);
}
