// IKE_AUTH (RFC 7296 §1.2, §2.15) for initiator and responder: identities, PSK and
// RSA-signature AUTH with the peer's certificate checked, profile selection, configuration
// payloads, the first child SA, and the SA coming up (INITIAL_CONTACT, DPD, rekey timer).
// Functions of IkeEngine (`this` is the engine), bound in engine.ts; identity and signature
// helpers are in auth.ts.

import { createHash, X509Certificate } from "node:crypto";
import type { DeepReadonly } from "../config/model/router";
import type { Ikev2Profile } from "../config/model/crypto";
import { formatIpv4 } from "../wire/addr";
import { IKE_NAT_T_PORT, type IkeMessage } from "../wire/ikev2";
import { buildPayloadBody, type IkePayload, type TrafficSelector } from "../wire/ikev2-payloads";
import { AuthMethod, CertEncoding, IkeExchangeType, IkeProtocolId, NotifyType, notifyTypeName } from "../wire/ikev2-registry";
import type { TrustpointCerts } from "../pki/store";
import { certReqData, checkPeerCertificate, ecdsaSign, isEcdsaAuth, identityText, noMatchReason, keyringKey, localIdentity, profileMatchesPeer, publicKeyOf, rsaSign, selectProfile, verifySignatureAuth, type IkeIdentity } from "./auth";
import { pskAuth, sameMac, signedOctets } from "./crypto";
import { chooseEspProposal, childSuiteOf, type ChildSuite } from "./proposals";
import { findNotify, notify, payloadList, readSpi, spi4 } from "./messages";
import type { IkeSa } from "./sa";
import type { IkeEngine } from "./engine";

/** Peer certificates kept parsed. */
export const CERT_CACHE_SIZE = 1024;

/** The CAs of the trustpoints a profile names, or of every trustpoint when none is given. */
export function trustedCas(this: IkeEngine, profile: DeepReadonly<Ikev2Profile> | undefined): X509Certificate[] {
  const names = profile ? profile.pkiTrustpoints : Object.keys(this.host.config().crypto.pki.trustpoints);
  return names.map((n) => this.host.trustpoint(n)?.ca).filter((c): c is X509Certificate => c !== undefined);
}

export function ourCertificate(this: IkeEngine, profile: DeepReadonly<Ikev2Profile> | undefined): TrustpointCerts | undefined {
  for (const name of profile?.pkiTrustpoints ?? []) {
    const tp = this.host.trustpoint(name);
    if (tp?.cert && tp.key) return tp;
  }
  return undefined;
}

/** Our AUTH payload over our first message, the peer's nonce and our ID (RFC 7296 §2.15);
 * undefined with the reason when we cannot make one. */
export function ourAuth(this: IkeEngine, sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, idBody: Uint8Array, peerId: IkeIdentity | undefined): { method: number; data: Uint8Array; cert?: TrustpointCerts } | string {
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
  if (method === "ecdsa-sig") {
    const signed = ecdsaSign(cert.key!, octets);
    if (!signed) return "The trustpoint's key is not an ECDSA key on P-256, P-384 or P-521";
    sa.authLocal = "ECDSA";
    return { ...signed, cert };
  }
  sa.authLocal = "RSA";
  return { method: AuthMethod.RSA_DIGITAL_SIGNATURE, data: rsaSign(cert.key!, octets), cert };
}

/** Checks the peer's AUTH; undefined when it proves the peer's identity, else the reason. */
export function verifyPeerAuth(this: IkeEngine, sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, id: IkeIdentity, idBody: Uint8Array, auth: { method: number; data: Uint8Array }, cert: X509Certificate | undefined): string | undefined {
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
  if (cert && isEcdsaAuth(auth.method, publicKeyOf(cert))) {
    if (!allowed.includes("ecdsa-sig")) return `Peer used ecdsa-sig, the profile expects ${allowed.join(" or ")}`;
    sa.authRemote = "ECDSA";
    return verifySignatureAuth(auth.method, auth.data, octets, publicKeyOf(cert)) ? undefined : "Auth exchange failed";
  }
  if (auth.method === AuthMethod.RSA_DIGITAL_SIGNATURE || auth.method === AuthMethod.DIGITAL_SIGNATURE) {
    if (!allowed.includes("rsa-sig")) return `Peer used rsa-sig, the profile expects ${allowed.join(" or ")}`;
    if (!cert) return "Peer sent no certificate";
    sa.authRemote = "RSA";
    return verifySignatureAuth(auth.method, auth.data, octets, publicKeyOf(cert)) ? undefined : "Auth exchange failed";
  }
  return `Unsupported authentication method ${auth.method}`;
}

export function parseCertificate(this: IkeEngine, der: Uint8Array): X509Certificate | undefined {
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

/** The peer's certificate from its CERT payloads, checked against the profile's CAs;
 * a string when refused. */
export function peerCertificate(this: IkeEngine, payloads: readonly IkePayload[], profileTrustpoints: readonly string[] | undefined): { cert: X509Certificate; trustpoint: string } | undefined | string {
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

export function sendAuth(this: IkeEngine, sa: IkeSa): void {
  const request = sa.request!;
  const profile = this.profile(request.ikev2Profile);
  if (!profile) {
    this.fail(sa, `IKEv2 profile ${request.ikev2Profile} not found`, 3);
    return;
  }
  const ourCert = this.ourCertificate(profile);
  const id = localIdentity(profile.identityLocal, sa.local.address, ourCert?.cert);
  sa.localId = id;
  // RFC 7296 §2.4: INITIAL_CONTACT only when we hold no other SA with the peer, not even one
  // it is starting toward us right now (both ends of a tunnel initiating at once).
  sa.initialContact = !this.sas().some((o) => o !== sa && o.state !== "dead" && o.remote.address === sa.remote.address);
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
  this.internal(sa, `Generating IKE_AUTH message; NAT ${sa.natLocal || sa.natRemote ? "detected, floating to port 4500" : "not detected"}`);
  this.request(
    sa,
    IkeExchangeType.IKE_AUTH,
    (messageId) => ({ datagrams: sa.seal(IkeExchangeType.IKE_AUTH, false, messageId, payloads), what: payloadList(payloads) }),
    (reply) => this.authResponse(sa, profile, childSpi, !request.vti, reply),
    () => this.fail(sa, "IKE_AUTH not answered", 4),
  );
}

export function authResponse(this: IkeEngine, sa: IkeSa, profile: DeepReadonly<Ikev2Profile>, childSpi: number, transport: boolean, payloads: IkePayload[]): void {
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
  this.internal(sa, "Verification of peer's authentication data PASSED");
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

export function authFailedLocally(this: IkeEngine, sa: IkeSa, reason: string): void {
  this.stats.authFailed++;
  // Tell the responder, then drop the SA (RFC 7296 §2.21.2).
  const payloads: IkePayload[] = [notify(NotifyType.AUTHENTICATION_FAILED, new Uint8Array(0))];
  const messageId = sa.nextRequestId++;
  this.transmit(sa, sa.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), payloadList(payloads));
  this.fail(sa, reason, 3);
}

export function authRequest(this: IkeEngine, sa: IkeSa, payloads: IkePayload[], message: IkeMessage): void {
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
  this.internal(sa, `Verification of peer's authentication data PASSED; profile ${profile.name}`);
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
  sa.ipsecProfile = binding.ipsecProfile;
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
export function initialContact(this: IkeEngine, sa: IkeSa): void {
  for (const other of this.sas()) {
    if (other === sa || other.state !== "established") continue;
    if (other.remote.address !== sa.remote.address) continue;
    if (other.remoteId && sa.remoteId && identityText(other.remoteId) !== identityText(sa.remoteId)) continue;
    this.remove(other, "INITIAL_CONTACT from the peer", false);
  }
}

export function established(this: IkeEngine, sa: IkeSa): void {
  sa.state = "established";
  sa.upSinceMs = this.clock.now();
  this.internal(sa, `Session with IKE ID PAIR (${sa.localId ? identityText(sa.localId) : ""}, ${sa.remoteId ? identityText(sa.remoteId) : ""}) is UP`);
  if (sa.role === "initiator") this.stats.outgoingAccepted++;
  for (const [key, half] of this.halfOpen) if (half === sa) this.halfOpen.delete(key);
  sa.timers.forEach((t) => t.cancel());
  sa.timers = [];
  this.host.log("IKEV2", 5, "SA_UP", "SA UP");
  this.host.log("CRYPTO", 5, "IKEV2_SESSION_STATUS", `Crypto tunnel v2 is UP.  Peer ${formatIpv4(sa.remote.address)}:${sa.remote.port}       Id: ${sa.remoteId ? identityText(sa.remoteId) : ""}`);
  this.host.saUp(sa);
  this.startDpd(sa);
  this.armIkeRekey(sa);
  // Once this exchange's child SA is in place too.
  this.clock.defer(() => this.resolveDuplicateSa(sa));
}
