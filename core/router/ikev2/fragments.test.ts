// RFC 7383 fragments as IkeSa sends and takes them: cut to fit the MTU, each protected alone,
// reassembled in any order, and the receiver's rules and bounds (§2.6): a fragment that does
// not verify is not kept, a re-fragmentation into more fragments restarts, fewer is ignored,
// as is a duplicate; too many fragments or too many bytes are dropped.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CertEncoding, EncrId, IkeExchangeType, IkeIdType, IntegId, PrfId, AuthMethod } from "../wire/ikev2-registry";
import { IKE_HEADER_LENGTH, buildIkeMessage, parseIkeMessage, type IkeMessage } from "../wire/ikev2";
import type { IkePayload } from "../wire/ikev2-payloads";
import { isWireError } from "../wire/errors";
import { encrById, integById, prfById, type IkeSuite, type SkKeys } from "./crypto";
import { MAX_FRAGMENTS, MAX_REASSEMBLED_BYTES, messageLimit, sealFragments, takeFragment, type Reassembly } from "./fragments";

const cbc: IkeSuite = { encr: encrById(EncrId.ENCR_AES_CBC, 256)!, prf: prfById(PrfId.PRF_HMAC_SHA2_256)!, integ: integById(IntegId.AUTH_HMAC_SHA2_256_128), dhGroup: 19 };
const gcm: IkeSuite = { encr: encrById(EncrId.ENCR_AES_GCM_16, 256)!, prf: prfById(PrfId.PRF_HMAC_SHA2_256)!, integ: undefined, dhGroup: 19 };
const keysFor = (suite: IkeSuite): SkKeys => ({ encKey: new Uint8Array(randomBytes(suite.encr.keyMaterialLength)), integKey: suite.integ ? new Uint8Array(randomBytes(suite.integ.keyLength)) : undefined });
const header = { initiatorSpi: 0x1111n, responderSpi: 0x2222n, exchangeType: IkeExchangeType.IKE_AUTH, initiator: true, response: false, messageId: 1 };
const payloads: IkePayload[] = [
  { kind: "idi", idType: IkeIdType.ID_FQDN, data: new TextEncoder().encode("R1.lab") },
  { kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(randomBytes(900)) },
  { kind: "auth", method: AuthMethod.RSA_DIGITAL_SIGNATURE, data: new Uint8Array(randomBytes(256)) },
];

function parsed(bytes: Uint8Array): IkeMessage {
  const m = parseIkeMessage(bytes);
  if (isWireError(m)) throw new Error(m.toString());
  return m;
}

describe("sending in fragments", () => {
  for (const suite of [cbc, gcm]) {
    it(`cuts a message into SKF fragments that each fit the MTU and reassemble in any order (${suite.encr.iosName})`, () => {
      const keys = keysFor(suite);
      const limit = messageLimit(576, 500);
      expect(limit).toBe(548);
      const fragments = sealFragments(suite, keys, header, payloads, limit);
      expect(fragments.length).toBeGreaterThan(2);
      for (const f of fragments) expect(f.length).toBeLessThanOrEqual(limit);
      const slot: { current: Reassembly | undefined } = { current: undefined };
      const order = fragments.map((_, i) => i).reverse();
      const results = order.map((i) => takeFragment(slot, suite, keys, parsed(fragments[i])));
      expect(results.slice(0, -1).every((r) => r.kind === "stored")).toBe(true);
      const last = results[results.length - 1];
      expect(last.kind === "complete" && last.payloads).toEqual(payloads);
      expect(slot.current).toBeUndefined();
    });
  }

  it("leaves room for the non-ESP marker on UDP 4500", () => {
    expect(messageLimit(576, 4500)).toBe(544);
    for (const f of sealFragments(cbc, keysFor(cbc), header, payloads, messageLimit(576, 4500))) expect(f.length + 4).toBeLessThanOrEqual(576);
  });
});

describe("reassembly (RFC 7383 §2.6)", () => {
  const keys = keysFor(cbc);
  const limit = messageLimit(576, 500);
  const fragments = sealFragments(cbc, keys, header, payloads, limit).map(parsed);

  it("keeps no fragment that fails its integrity check, and ignores a duplicate", () => {
    const slot: { current: Reassembly | undefined } = { current: undefined };
    const forged = fragments[0].raw.slice();
    forged[forged.length - 1] ^= 1;
    expect(takeFragment(slot, cbc, keys, parsed(forged)).kind).toBe("integrity");
    expect(slot.current).toBeUndefined();
    expect(takeFragment(slot, cbc, keysFor(cbc), fragments[0]).kind).toBe("integrity");
    expect(takeFragment(slot, cbc, keys, fragments[0]).kind).toBe("stored");
    expect(takeFragment(slot, cbc, keys, fragments[0]).kind).toBe("ignored");
    expect(slot.current?.received).toBe(1);
  });

  it("restarts when the sender fragments again into more pieces, and ignores an older, coarser fragment", () => {
    const slot: { current: Reassembly | undefined } = { current: undefined };
    expect(takeFragment(slot, cbc, keys, fragments[0]).kind).toBe("stored");
    const finer = sealFragments(cbc, keys, header, payloads, messageLimit(400, 500)).map(parsed);
    expect(finer.length).toBeGreaterThan(fragments.length);
    expect(takeFragment(slot, cbc, keys, finer[1]).kind).toBe("stored");
    expect(slot.current?.total).toBe(finer.length);
    expect(slot.current?.received).toBe(1);
    expect(takeFragment(slot, cbc, keys, fragments[1]).kind).toBe("ignored");
    let last;
    for (const f of finer) last = takeFragment(slot, cbc, keys, f);
    expect(last?.kind).toBe("complete");
  });

  it("starts over for a new message ID", () => {
    const slot: { current: Reassembly | undefined } = { current: undefined };
    takeFragment(slot, cbc, keys, fragments[0]);
    const next = sealFragments(cbc, keys, { ...header, messageId: 2 }, payloads, limit).map(parsed);
    takeFragment(slot, cbc, keys, next[0]);
    expect(slot.current?.messageId).toBe(2);
    expect(slot.current?.received).toBe(1);
  });

  it(`drops a message of more than ${MAX_FRAGMENTS} fragments, or of more than ${MAX_REASSEMBLED_BYTES} bytes`, () => {
    const slot: { current: Reassembly | undefined } = { current: undefined };
    const many = buildIkeMessage({ ...header, payloads: [{ kind: "skf", innerNextPayload: 0, fragmentNumber: 2, totalFragments: MAX_FRAGMENTS + 1, data: new Uint8Array(64) }] });
    expect(takeFragment(slot, cbc, keys, parsed(many))).toMatchObject({ kind: "dropped" });
    const big: IkePayload[] = [{ kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(60_000) }, { kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(10_000) }];
    const huge = sealFragments(cbc, keys, header, big, messageLimit(1500, 500)).map(parsed);
    expect(huge.length).toBeLessThanOrEqual(MAX_FRAGMENTS);
    const results = huge.map((f) => takeFragment(slot, cbc, keys, f).kind);
    expect(results).toContain("dropped");
    expect(results).not.toContain("complete");
  });

  it("reports a fragment whose SKF data cannot hold IV and ICV as malformed, never throwing", () => {
    const slot: { current: Reassembly | undefined } = { current: undefined };
    const short = buildIkeMessage({ ...header, payloads: [{ kind: "skf", innerNextPayload: 0, fragmentNumber: 1, totalFragments: 2, data: new Uint8Array(8) }] });
    expect(takeFragment(slot, cbc, keys, parsed(short)).kind).toBe("malformed");
    expect(IKE_HEADER_LENGTH).toBe(28);
  });
});
