// Child SAs of an IKE SA: their SPIs, the local ESP proposals, the traffic selectors, and
// adding one with its keys, lifetime and rekey timer. Functions of IkeEngine (`this` is the
// engine), bound in engine.ts.

import { randomBytes } from "node:crypto";
import { ipv4, type Ipv4 } from "../wire/addr";
import type { TrafficSelector } from "../wire/ikev2-payloads";
import type { IpsecProfile } from "../config/model/crypto";
import type { DeepReadonly } from "../config/model/router";
import { deriveChildKeys, isSupportedDhGroup } from "./crypto";
import { espProposalFromTransformSet, IOS_DEFAULT_TRANSFORM_SETS, type ChildSuite, type LocalProposal } from "./proposals";
import type { IkeSa, ChildSa } from "./sa";
import type { IkeEngine } from "./engine";

/** IOS rekeys a child SA this long before its lifetime ends. */
export const CHILD_REKEY_MARGIN = 0.9;
/** The original responder rekeys too when its own soft lifetime fires (as IOS does), a little
 * after the initiator would: with equal lifetimes the initiator's rekey comes first, so a
 * collision (§2.8.1, settled in collisions.ts) is the exception, not every rekey. */
export const RESPONDER_REKEY_MARGIN = 0.93;
/** IOS's default IPsec SA lifetime. */
export const CHILD_LIFETIME_SEC = 3600;
export const CHILD_LIFETIME_KB = 4_608_000;

/** The IPsec profile of an SA (`default` is IOS's implicit one). */
export function ipsecProfileOf(this: IkeEngine, sa: IkeSa): DeepReadonly<IpsecProfile> | undefined {
  return sa.ipsecProfile === undefined ? undefined : this.host.config().crypto.ipsec.profiles[sa.ipsecProfile];
}

/** The DH group of the profile's `set pfs`, when it names one we implement. */
export function pfsGroupOf(this: IkeEngine, sa: IkeSa): number | undefined {
  const name = this.ipsecProfileOf(sa)?.pfsGroup;
  const group = name === undefined ? undefined : Number(name.replace("group", ""));
  return group !== undefined && isSupportedDhGroup(group) ? group : undefined;
}

/** A new child SA's lifetimes: the profile's, else the global `crypto ipsec
 * security-association lifetime`, else IOS's defaults. */
export function childLifetimes(this: IkeEngine, sa: IkeSa): { seconds: number; kilobytes: number } {
  const profile = this.ipsecProfileOf(sa);
  const global = this.host.config().crypto.ipsec.sa;
  return { seconds: profile?.lifetimeSec ?? global?.lifetimeSec ?? CHILD_LIFETIME_SEC, kilobytes: profile?.lifetimeKb ?? global?.lifetimeKb ?? CHILD_LIFETIME_KB };
}

/** The IKE SA a child SA lives in now (an IKE SA rekey moves children to its successor). */
export function ownerOf(this: IkeEngine, child: ChildSa): IkeSa | undefined {
  for (const sa of this.byLocalSpi.values()) if (sa.state !== "dead" && !sa.superseded && sa.children.includes(child)) return sa;
  return undefined;
}

/** IPsec's soft expiry of an installed child SA: 90% of its seconds or kilobytes, or its
 * sequence numbers running out. Both ends rekey on it; the original responder leaves the
 * time-based one to its own, later timer (RESPONDER_REKEY_MARGIN). */
export function childSoftExpired(this: IkeEngine, child: ChildSa): void {
  const sa = this.ownerOf(child);
  if (!sa) return;
  const timeBased = this.clock.now() - child.createdMs >= child.lifetimeSec * 1000 * CHILD_REKEY_MARGIN - 1;
  if (sa.role === "responder" && timeBased) return;
  this.rekeyChild(sa, child);
}

/** IPsec removed a child SA at its hard lifetime: delete it here and at the peer. */
export function childHardExpired(this: IkeEngine, child: ChildSa): void {
  const sa = this.ownerOf(child);
  if (!sa || sa.state !== "established") return;
  this.internal(sa, `Child SA 0x${child.inbound.spi.toString(16).toUpperCase()} reached its hard lifetime; deleting it`);
  this.deleteChild(sa, child);
}

export function newChildSpi(this: IkeEngine): number {
  for (;;) {
    const spi = new DataView(randomBytes(4).buffer).getUint32(0);
    if (spi >= 256 && !this.childSpis.has(spi)) {
      this.childSpis.add(spi);
      return spi;
    }
  }
}

/** The ESP proposals of the IPsec profile's transform sets, or IOS's defaults. */
export function localEspProposals(this: IkeEngine, transformSets: readonly string[]): LocalProposal[] {
  const config = this.host.config();
  const sets = transformSets.length ? transformSets.map((n) => config.crypto.ipsec.transformSets[n]).filter((t) => t !== undefined) : IOS_DEFAULT_TRANSFORM_SETS;
  return sets.map(espProposalFromTransformSet).filter((p): p is LocalProposal => p !== undefined);
}

/** GRE over IPsec protects GRE between the outer addresses (transport mode); a VTI any-to-any. */
export function selectors(this: IkeEngine, sa: IkeSa, vti: boolean): { local: TrafficSelector[]; remote: TrafficSelector[] } {
  if (vti) {
    const any: TrafficSelector = { kind: "ipv4-range", ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: ipv4(0, 0, 0, 0), endAddress: ipv4(255, 255, 255, 255) };
    return { local: [any], remote: [any] };
  }
  const host = (a: Ipv4): TrafficSelector => ({ kind: "ipv4-range", ipProtocol: 47, startPort: 0, endPort: 65535, startAddress: a, endAddress: a });
  return { local: [host(sa.local.address)], remote: [host(sa.remote.address)] };
}

/** `weInitiated`: we sent the request of the exchange that made this child SA, so our
 * outbound keys are the initiator-to-responder ones (§2.17). */
export function addChild(this: IkeEngine, sa: IkeSa, weInitiated: boolean, suite: ChildSuite, ourSpi: number, peerSpi: number, ni: Uint8Array, nr: Uint8Array, mode: "transport" | "tunnel", tsi: readonly TrafficSelector[], tsr: readonly TrafficSelector[], pfs: { group: number; gir: Uint8Array } | undefined, replaces?: ChildSa): ChildSa {
  // §2.17: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) with PFS.
  const k = deriveChildKeys(sa.suite!.prf, sa.keys!.skD, ni, nr, suite.encKeyLength, suite.integKeyLength, pfs?.gir);
  const lifetimes = this.childLifetimes(sa);
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
    lifetimeSec: lifetimes.seconds,
    lifetimeKb: lifetimes.kilobytes,
    pfsGroup: pfs?.group,
    exchange: { ni, nr, weInitiated, replaces },
  };
  sa.children.push(child);
  this.internal(sa, `Creating IPSec SAs: ${suite.iosText}, ${mode} mode, SPI in/out 0x${ourSpi.toString(16).toUpperCase()}/0x${peerSpi.toString(16).toUpperCase()}${child.pfsGroup !== undefined ? `, PFS group ${child.pfsGroup}` : ""}`);
  // Both ends rekey before the lifetime ends (IOS: at ~90%); the child may have moved to a
  // rekeyed IKE SA by then.
  const margin = sa.role === "initiator" ? CHILD_REKEY_MARGIN : RESPONDER_REKEY_MARGIN;
  child.rekeyTimer = this.clock.after(child.lifetimeSec * 1000 * margin, () => {
    const owner = this.ownerOf(child);
    if (owner) this.rekeyChild(owner, child);
  });
  this.host.childUp(sa, child);
  return child;
}
