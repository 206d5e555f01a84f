// Collisions (RFC 7296 §2.8.1): both ends rekeying the same child SA or the same IKE SA at
// once, and both ends of a site-to-site pair starting an IKE SA to each other at once. Each end decides alone, from
// nonces both ends hold, so both reach the same answer without a word: the SA made by the
// exchange with the lowest nonce goes, and the end that started that exchange deletes it.
// Functions of IkeEngine (`this` is the engine), bound in engine.ts.

import { formatIpv4 } from "../wire/addr";
import { hex32, hex64 } from "./messages";
import type { ChildSa, IkeSa } from "./sa";
import type { IkeEngine } from "./engine";

/** Nonces compared as unsigned big-endian numbers, a shorter one padded in front. */
function compareNonces(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) {
    const n = Math.max(a.length, b.length);
    const pad = (x: Uint8Array): Uint8Array => {
      const out = new Uint8Array(n);
      out.set(x, n - x.length);
      return out;
    };
    return Buffer.compare(pad(a), pad(b));
  }
  return Buffer.compare(a, b);
}

function lowest(ni: Uint8Array, nr: Uint8Array): Uint8Array {
  return compareNonces(ni, nr) <= 0 ? ni : nr;
}

/** Whether the exchange with nonces `a` holds a lower nonce than the one with nonces `b`. */
export function lowerExchange(a: { ni: Uint8Array; nr: Uint8Array }, b: { ni: Uint8Array; nr: Uint8Array }): boolean {
  return compareNonces(lowest(a.ni, a.nr), lowest(b.ni, b.nr)) < 0;
}

/** Our rekey of a child SA made `ours`; if the peer's rekey of the same child SA made another
 * meanwhile, one of the two is redundant (§2.8.1). Returns whether there was a collision (then
 * this has already deleted what we have to: our redundant child SA, or else the old one). */
export function settleChildCollision(this: IkeEngine, sa: IkeSa, ours: ChildSa): boolean {
  const old = ours.exchange.replaces;
  if (!old) return false;
  const theirs = sa.children.find((c) => c !== ours && c.exchange.replaces === old && !c.exchange.weInitiated);
  if (!theirs) return false;
  const oursGoes = lowerExchange(ours.exchange, theirs.exchange);
  this.internal(sa, `Child SA rekey collision on ${hex32(old.inbound.spi)}: ${oursGoes ? `ours (${hex32(ours.inbound.spi)})` : `the peer's (${hex32(theirs.inbound.spi)})`} has the lowest nonce and is deleted by its initiator`);
  // The surviving exchange's initiator deletes the old child SA, as after any rekey.
  if (oursGoes) this.deleteChild(sa, ours);
  else if (sa.children.includes(old)) this.deleteChild(sa, old);
  return true;
}

/** Whether we finished our own rekey of `old` and are deleting it: a late rekey of it from the
 * peer is answered CHILD_SA_NOT_FOUND, its delete is on the way. */
export function rekeyedByUs(sa: IkeSa, old: ChildSa): boolean {
  return sa.children.some((c) => c.exchange.replaces === old && c.exchange.weInitiated);
}

/** A second IKE SA with the same peer on the same tunnel (both ends of a static VTI or GRE
 * tunnel initiated at once): the one whose IKE_SA_INIT holds the lowest nonce goes, deleted by
 * the end that initiated it; the other end waits for that delete. */
export function resolveDuplicateSa(this: IkeEngine, sa: IkeSa): void {
  if (sa.state !== "established" || sa.superseded || sa.interfaceName === undefined) return;
  for (const other of this.sas()) {
    if (other === sa || other.state !== "established" || other.superseded) continue;
    if (other.interfaceName !== sa.interfaceName || other.remote.address !== sa.remote.address) continue;
    const loser = lowerExchange(sa, other) ? sa : other;
    this.internal(loser, `Duplicate IKE SA with ${formatIpv4(sa.remote.address)} on ${sa.interfaceName}; ${loser.role === "initiator" ? "deleting it" : "the peer deletes it"}`);
    // Not a session going down: the other SA carries it on, so neither end logs one.
    loser.duplicate = true;
    if (loser.role === "initiator") this.delete(loser, "Duplicate IKE SA");
    return;
  }
}

/**
 * Both ends rekeyed the IKE SA `old` at once (§2.8.1, §2.25.2): `ours` came from our request,
 * `theirs` from the peer's, which we answered first (the children moved to it then). The new
 * IKE SA made by the exchange with the lowest nonce is redundant and is deleted by the end
 * that started that exchange; the other inherits every child SA, and the end that started it
 * deletes the old IKE SA, as after any rekey. Both ends reach the same answer from the same
 * four nonces.
 */
export function settleIkeRekeyCollision(this: IkeEngine, old: IkeSa, ours: IkeSa, theirs: IkeSa): void {
  const oursGoes = lowerExchange(ours, theirs);
  const kept = oursGoes ? theirs : ours;
  const doomed = oursGoes ? ours : theirs;
  this.internal(kept, `IKE SA rekey collision on ${hex64(old.localSpi)}: ${oursGoes ? `ours (${hex64(ours.localSpi)})` : `the peer's (${hex64(theirs.localSpi)})`} has the lowest nonce and is deleted by its initiator`);
  // The kept SA inherits every child SA (§2.8.1), wherever they are now.
  for (const from of [old, ours, theirs]) if (from !== kept) kept.children.push(...from.children.splice(0));
  if (kept === ours) this.host.saReplaced(theirs, ours);
  // The redundant SA goes quietly: no session went down.
  doomed.superseded = true;
  doomed.cancelTimers();
  if (oursGoes) this.deleteSuperseded(doomed, kept);
  // The old IKE SA is deleted by the kept exchange's initiator.
  if (!oursGoes) this.deleteSuperseded(old, kept);
}
