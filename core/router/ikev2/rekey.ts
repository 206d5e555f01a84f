// CREATE_CHILD_SA (RFC 7296 §1.3): rekeying the IKE SA (§2.18: a successor SA takes over the
// children and the old one is deleted) and rekeying child SAs, as initiator and responder.
// Functions of IkeEngine (`this` is the engine), bound in engine.ts.

import { randomBytes } from "node:crypto";
import type { IkePayload } from "../wire/ikev2-payloads";
import { IkeExchangeType, IkeProtocolId, NotifyType, TransformType, notifyTypeName } from "../wire/ikev2-registry";
import { invalidKeData, invalidKeGroup } from "../wire/ikev2-values";
import { transform } from "../wire/ikev2-sa";
import { deriveIkeKeys, dhGenerate, isSupportedDhGroup, rekeyedSkeyseed, type IkeSuite } from "./crypto";
import { chooseEspProposal, chooseIkeProposal, childSuiteOf, ikeOffer, localIkeProposals, suiteOf, type LocalProposal } from "./proposals";
import { findNotify, hex32, hex64, notify, payloadList, readSpi, readU64, spi4, spiBytes } from "./messages";
import { IkeSa, type ChildSa } from "./sa";
import { NONCE_LENGTH } from "./sa-init";
import { CHILD_REKEY_MARGIN, RESPONDER_REKEY_MARGIN } from "./child";
import { rekeyedByUs } from "./collisions";
import type { IkeEngine } from "./engine";

/** The original initiator rekeys the IKE SA before its lifetime (IOS: `lifetime`, 86400 s). */
/** Either end rekeys the IKE SA before its own lifetime ends (IOS: `lifetime`, 86400 s); the
 * original responder a little later, so with equal lifetimes the initiator's rekey comes
 * first and a collision (§2.8.1, settled in collisions.ts) is the exception. */
export function armIkeRekey(this: IkeEngine, sa: IkeSa): void {
  const margin = sa.role === "initiator" ? CHILD_REKEY_MARGIN : RESPONDER_REKEY_MARGIN;
  sa.timers.push(this.clock.after(sa.lifetimeSec * 1000 * margin, () => this.rekeyIkeSa(sa)));
}

/** CREATE_CHILD_SA with an IKE proposal, a new SPI, nonce and KE; the children move to the
 * new IKE SA and the old one is deleted. */
export function rekeyIkeSa(this: IkeEngine, sa: IkeSa): void {
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
    (messageId) => ({ datagrams: sa.seal(IkeExchangeType.CREATE_CHILD_SA, false, messageId, payloads), what: payloadList(payloads) }),
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
      // The peer rekeyed this IKE SA too, and we answered it meanwhile: two new IKE SAs, one
      // redundant (§2.8.1).
      const theirs = sa.rekeyedByPeer;
      // §2.18: the rekey's initiator is the new IKE SA's initiator.
      const next = this.successor(sa, "initiator", newSpi, peerSpi, suite, rekeyedSkeyseed(sa.suite!.prf, sa.keys!.skD, gir, ni, nonce.data), ni, nonce.data.slice());
      if (theirs !== undefined && theirs.state !== "dead") {
        this.settleIkeRekeyCollision(sa, next, theirs);
        return;
      }
      this.deleteSuperseded(sa, next);
    },
    () => this.fail(sa, "IKE SA rekey not answered", 4),
  );
}

export function ikeRekeyRequest(this: IkeEngine, sa: IkeSa, payloads: IkePayload[], answer: (reply: IkePayload[]) => void): void {
  // Already replaced (our own rekey finished first, and our delete of this SA is on its way):
  // §2.25.2, the peer tries again later if it still needs to.
  if (sa.superseded) {
    answer([notify(NotifyType.TEMPORARY_FAILURE, new Uint8Array(0))]);
    return;
  }
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
  // Our own rekey of this SA may be in flight: its answer settles the collision.
  sa.rekeyedByPeer = this.successor(sa, "responder", peerSpi, ourSpi, choice.suite, rekeyedSkeyseed(sa.suite!.prf, sa.keys!.skD, gir, nonce.data, nr), nonce.data.slice(), nr);
  // The rekey's initiator deletes the old SA; until then it still answers.
  sa.superseded = true;
}

/** The IKE SA that replaces `old` after a rekey: same peer, identities and binding; the
 * children move over. */
export function successor(this: IkeEngine, old: IkeSa, role: "initiator" | "responder", spiI: bigint, spiR: bigint, suite: IkeSuite, seed: Uint8Array, ni: Uint8Array, nr: Uint8Array): IkeSa {
  const next = new IkeSa({ id: old.id, role, spiI, local: old.local, remote: old.remote, fvrf: old.fvrf, nowMs: this.clock.now() });
  next.spiR = spiR;
  next.suite = suite;
  next.ni = ni;
  next.nr = nr;
  next.keys = deriveIkeKeys(suite, seed, ni, nr, spiI, spiR);
  for (const field of ["natLocal", "natRemote", "profile", "localId", "remoteId", "remoteCert", "authLocal", "authRemote", "dpd", "lifetimeSec", "request", "assignedAddress", "remoteSubnets", "defaultDomain", "banner", "interfaceName", "ipsecProfile", "upSinceMs", "fragmentMtu"] as const) {
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
export function deleteSuperseded(this: IkeEngine, old: IkeSa, next: IkeSa): void {
  void next;
  const payloads: IkePayload[] = [{ kind: "delete", protocolId: IkeProtocolId.IKE, spiSize: 0, spis: [] }];
  this.request(
    old,
    IkeExchangeType.INFORMATIONAL,
    (messageId) => ({ datagrams: old.seal(IkeExchangeType.INFORMATIONAL, false, messageId, payloads), what: payloadList(payloads) }),
    () => this.remove(old, "Rekeyed", false),
    () => this.remove(old, "Rekeyed", false),
  );
}

/** Rekeys a child SA with CREATE_CHILD_SA and N(REKEY_SA) (RFC 7296 §1.3.3), then deletes
 * the old one (make-before-break). With `set pfs` (or a group the responder asked for in
 * INVALID_KE_PAYLOAD) the exchange carries a KE payload and the new keys include g^ir. */
export function rekeyChild(this: IkeEngine, sa: IkeSa, old: ChildSa, group: number | undefined = this.pfsGroupOf(sa)): void {
  if (sa.state !== "established" || !sa.children.includes(old) || old.rekeying) return;
  old.rekeying = true;
  old.rekeyTimer?.cancel();
  this.internal(sa, `Rekeying child SA 0x${old.inbound.spi.toString(16).toUpperCase()}${group !== undefined ? ` with PFS group ${group}` : ""}`);
  const spi = this.newChildSpi();
  const ni = new Uint8Array(randomBytes(NONCE_LENGTH));
  const dh = group === undefined ? undefined : dhGenerate(group);
  const offer = this.localEspProposals(this.ipsecProfileOf(sa)?.transformSets ?? []).map((p) => (group === undefined ? p : withDh(p, group)));
  const payloads: IkePayload[] = [
    { kind: "notify", protocolId: IkeProtocolId.ESP, spi: spi4(old.inbound.spi), notifyType: NotifyType.REKEY_SA, data: new Uint8Array(0) },
    ...(old.mode === "transport" ? [notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0))] : []),
    { kind: "sa", proposals: offer.map((transforms, i) => ({ number: i + 1, protocolId: IkeProtocolId.ESP, spi: spi4(spi), transforms })) },
    { kind: "nonce", data: ni },
    ...(dh ? [{ kind: "ke" as const, dhGroup: dh.group, data: dh.publicValue }] : []),
    { kind: "tsi", selectors: old.tsi },
    { kind: "tsr", selectors: old.tsr },
  ];
  const refused = (why: string): void => {
    this.childSpis.delete(spi);
    old.rekeying = false;
    if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Child SA rekey refused: ${why}; the SA stays until it expires`);
  };
  this.request(
    sa,
    IkeExchangeType.CREATE_CHILD_SA,
    (messageId) => ({ datagrams: sa.seal(IkeExchangeType.CREATE_CHILD_SA, false, messageId, payloads), what: payloadList(payloads) }),
    (reply) => {
      const invalidKe = findNotify(reply, NotifyType.INVALID_KE_PAYLOAD);
      const suggested = invalidKe ? invalidKeGroup(invalidKe.data) : undefined;
      if (suggested !== undefined && suggested !== group && isSupportedDhGroup(suggested)) {
        // §1.3: the responder wants another group; retry once with it.
        this.childSpis.delete(spi);
        old.rekeying = false;
        this.rekeyChild(sa, old, suggested);
        return;
      }
      const error = reply.find((p) => p.kind === "notify" && p.notifyType < 16384);
      if (error?.kind === "notify") {
        refused(notifyTypeName(error.notifyType));
        return;
      }
      const saPayload = reply.find((p) => p.kind === "sa");
      const nonce = reply.find((p) => p.kind === "nonce");
      const ke = reply.find((p) => p.kind === "ke");
      if (saPayload?.kind !== "sa" || saPayload.proposals.length !== 1 || nonce?.kind !== "nonce") {
        refused("malformed response");
        return;
      }
      const suite = childSuiteOf(saPayload.proposals[0]);
      const gir = dh && ke?.kind === "ke" && ke.dhGroup === dh.group ? dh.computeSecret(ke.data) : undefined;
      if (!suite || (dh && !gir)) {
        refused(suite ? "no valid KE payload for PFS" : "unacceptable proposal");
        return;
      }
      // KEYMAT uses this exchange's nonces, initiator's (ours) first (§2.17).
      const child = this.addChild(sa, true, suite, spi, readSpi(saPayload.proposals[0].spi), ni, nonce.data.slice(), old.mode, old.tsi, old.tsr, dh && gir ? { group: dh.group, gir } : undefined, old);
      if (this.host.debugOn()) this.host.debug(`IKEv2:(SESSION ID = ${sa.id},SA ID = ${sa.id}):Rekeyed child SA ${hex32(old.inbound.spi)} -> ${hex32(child.inbound.spi)}`);
      // The peer rekeyed the same child SA meanwhile: one of the two new ones goes (§2.8.1).
      if (this.settleChildCollision(sa, child)) return;
      if (sa.children.includes(old)) this.deleteChild(sa, old);
    },
    () => this.fail(sa, "CREATE_CHILD_SA not answered", 4),
  );
}

/** An ESP proposal with the DH transform of PFS added, in transform-type order. */
function withDh(p: LocalProposal, group: number): LocalProposal {
  const at = p.findIndex((t) => t.type === TransformType.ESN);
  const dh = transform(TransformType.DH, group);
  return at < 0 ? [...p, dh] : [...p.slice(0, at), dh, ...p.slice(at)];
}

export function createChildRequest(this: IkeEngine, sa: IkeSa, messageId: number, payloads: IkePayload[]): void {
  const answer = (reply: IkePayload[]): void => this.respond(sa, messageId, sa.seal(IkeExchangeType.CREATE_CHILD_SA, true, messageId, reply), payloadList(reply));
  const rekey = payloads.find((p) => p.kind === "notify" && p.notifyType === NotifyType.REKEY_SA);
  const saPayload = payloads.find((p) => p.kind === "sa");
  const nonce = payloads.find((p) => p.kind === "nonce");
  const ke = payloads.find((p) => p.kind === "ke");
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
  if (!old || rekeyedByUs(sa, old)) {
    answer([{ kind: "notify", protocolId: IkeProtocolId.ESP, spi: rekey.spi, notifyType: NotifyType.CHILD_SA_NOT_FOUND, data: new Uint8Array(0) }]);
    return;
  }
  // PFS: our `set pfs` group must be the one offered; without it we follow the peer's KE.
  const wanted = this.pfsGroupOf(sa);
  const group = ke?.kind === "ke" ? ke.dhGroup : undefined;
  if (wanted !== undefined && group !== wanted) {
    answer(group === undefined ? [notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))] : [notify(NotifyType.INVALID_KE_PAYLOAD, invalidKeData(wanted))]);
    return;
  }
  if (group !== undefined && !isSupportedDhGroup(group)) {
    answer([notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))]);
    return;
  }
  const transformSets = this.ipsecProfileOf(sa)?.transformSets ?? [];
  const choice = chooseEspProposal(saPayload.proposals, this.localEspProposals(transformSets), group) ?? chooseEspProposal(saPayload.proposals, this.localEspProposals([]), group);
  if (!choice) {
    answer([notify(NotifyType.NO_PROPOSAL_CHOSEN, new Uint8Array(0))]);
    return;
  }
  const dh = group === undefined ? undefined : dhGenerate(group);
  const gir = dh && ke?.kind === "ke" ? dh.computeSecret(ke.data) : undefined;
  if (dh && !gir) {
    answer([notify(NotifyType.INVALID_SYNTAX, new Uint8Array(0))]);
    return;
  }
  const ourSpi = this.newChildSpi();
  const nr = new Uint8Array(randomBytes(NONCE_LENGTH));
  const reply: IkePayload[] = [
    ...(old.mode === "transport" ? [notify(NotifyType.USE_TRANSPORT_MODE, new Uint8Array(0))] : []),
    { kind: "sa", proposals: [{ ...choice.proposal, spi: spi4(ourSpi) }] },
    { kind: "nonce", data: nr },
    ...(dh ? [{ kind: "ke" as const, dhGroup: dh.group, data: dh.publicValue }] : []),
    { kind: "tsi", selectors: tsi.selectors },
    { kind: "tsr", selectors: tsr.selectors },
  ];
  answer(reply);
  // The peer initiated this exchange: its nonce is Ni and its keys come first (§2.17),
  // whatever our roles in the IKE SA.
  // A collision with our own rekey of `old` is settled when our request's answer comes.
  this.addChild(sa, false, choice.suite, ourSpi, readSpi(choice.proposal.spi), nonce.data.slice(), nr, old.mode, tsi.selectors, tsr.selectors, dh && gir ? { group: dh.group, gir } : undefined, old);
}
