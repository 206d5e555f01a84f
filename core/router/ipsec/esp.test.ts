import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEADROOM_BYTES } from "../net/headroom";
import type { Ipv4 } from "../wire/addr";
import { espSequence, espSpi } from "../wire/esp";
import { IpProtocol } from "../wire/ipv4";
import { EspInboundSa, EspOpenFault, EspOutboundSa } from "./esp";
import { encKeyBytes, integKeyBytes, type EspCipher, type EspInteg, type EspSaParams } from "./sa";

const SUITES: readonly (readonly [EspCipher, EspInteg])[] = [
  ["aes-gcm-128", "none"],
  ["aes-gcm-256", "none"],
  ["aes-cbc-128", "sha1-96"],
  ["aes-cbc-256", "sha256-128"],
  ["aes-cbc-256", "sha384-192"],
  ["aes-cbc-128", "sha512-256"],
  ["null", "sha1-96"],
  ["null", "sha256-128"],
];

function params(cipher: EspCipher, integ: EspInteg, overrides: Partial<EspSaParams> = {}): EspSaParams {
  return {
    spi: 0x1234abcd,
    cipher,
    integ,
    encKey: randomBytes(encKeyBytes(cipher)),
    integKey: integ === "none" ? undefined : randomBytes(integKeyBytes(integ)),
    mode: "transport",
    local: 0x0a000001 as Ipv4,
    remote: 0x0a000002 as Ipv4,
    replayWindow: 64,
    lifetimeSeconds: 3600,
    lifetimeKilobytes: 4608000,
    ...overrides,
  };
}

function pair(cipher: EspCipher, integ: EspInteg, overrides: Partial<EspSaParams> = {}): { out: EspOutboundSa; into: EspInboundSa } {
  const p = params(cipher, integ, overrides);
  return { out: new EspOutboundSa(p), into: new EspInboundSa(p) };
}

const esp = HEADROOM_BYTES;

describe("ESP seal and open", () => {
  it.each(SUITES)("%s with %s: what one side seals the other opens to the same payload", (cipher, integ) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (payload) => {
        const { out, into } = pair(cipher, integ);
        const sealed = out.seal(payload, 0, payload.length, IpProtocol.Gre, 0) as Uint8Array;
        expect(espSpi(sealed, esp)).toBe(0x1234abcd);
        expect(espSequence(sealed, esp)).toBe(1);
        expect(sealed.length - esp).toBe(out.overheadBytes(payload.length) + payload.length);
        const end = into.open(sealed, esp, sealed.length);
        expect(end).toBeGreaterThanOrEqual(0);
        expect(into.nextHeader).toBe(IpProtocol.Gre);
        expect(sealed.subarray(into.payloadStart(esp), end)).toEqual(payload);
      }),
      { numRuns: 30 },
    );
  });

  it.each(SUITES)("%s with %s: any flipped bit after the SPI is refused", (cipher, integ) => {
    const { out } = pair(cipher, integ);
    const payload = Uint8Array.from({ length: 100 }, (_, i) => i);
    const sealed = out.seal(payload, 0, payload.length, IpProtocol.Ipip, 0) as Uint8Array;
    const bits = (sealed.length - esp - 4) * 8;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bits - 1 }), (bit) => {
        const into = new EspInboundSa(out.params);
        const copy = sealed.slice();
        copy[esp + 4 + (bit >>> 3)] ^= 1 << (bit & 7);
        expect(into.open(copy, esp, copy.length)).toBeLessThan(0);
        expect(into.replay.highest).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("puts the sequence number in GCM's explicit IV and random IVs in CBC's", () => {
    const gcm = pair("aes-gcm-256", "none").out;
    const a = gcm.seal(new Uint8Array(10), 0, 10, 4, 0) as Uint8Array;
    const b = gcm.seal(new Uint8Array(10), 0, 10, 4, 0) as Uint8Array;
    expect([...a.subarray(esp + 8, esp + 16)]).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect([...b.subarray(esp + 8, esp + 16)]).toEqual([0, 0, 0, 0, 0, 0, 0, 2]);
    const cbc = pair("aes-cbc-128", "sha1-96").out;
    const c = cbc.seal(new Uint8Array(10), 0, 10, 4, 0) as Uint8Array;
    const d = cbc.seal(new Uint8Array(10), 0, 10, 4, 0) as Uint8Array;
    expect(c.subarray(esp + 8, esp + 24)).not.toEqual(d.subarray(esp + 8, esp + 24));
  });

  it("refuses a replayed packet and one left behind the window, and takes one late inside it", () => {
    const { out, into } = pair("aes-gcm-128", "none", { replayWindow: 64 });
    const packets = Array.from({ length: 100 }, () => out.seal(new Uint8Array(20), 0, 20, 4, 0) as Uint8Array);
    expect(into.open(packets[0].slice(), esp, packets[0].length)).toBeGreaterThan(0);
    expect(into.open(packets[0].slice(), esp, packets[0].length)).toBe(EspOpenFault.Replay);
    expect(into.open(packets[99].slice(), esp, packets[99].length)).toBeGreaterThan(0); // seq 100
    expect(into.open(packets[10].slice(), esp, packets[10].length)).toBe(EspOpenFault.Replay); // 11: behind
    expect(into.open(packets[50].slice(), esp, packets[50].length)).toBeGreaterThan(0); // 51: inside
    expect(into.open(packets[50].slice(), esp, packets[50].length)).toBe(EspOpenFault.Replay);
  });

  it("stops sending when the sequence number would cycle", () => {
    const { out } = pair("aes-gcm-128", "none");
    out.lastSequence = 0xfffffffe;
    const last = out.seal(new Uint8Array(4), 0, 4, 4, 0) as Uint8Array;
    expect(espSequence(last, esp)).toBe(0xffffffff);
    expect(out.seal(new Uint8Array(4), 0, 4, 4, 0)).toBeUndefined();
  });

  it("calls a packet too short for IV and ICV malformed", () => {
    const { into } = pair("aes-cbc-256", "sha256-128");
    const buf = new Uint8Array(esp + 8 + 16 + 8);
    buf[esp + 3] = 1;
    buf[esp + 7] = 1;
    expect(into.open(buf, esp, buf.length)).toBe(EspOpenFault.Malformed);
  });

  it.each(SUITES)("%s with %s: arbitrary bytes after a known SPI are refused, never thrown on", (cipher, integ) => {
    const { into } = pair(cipher, integ);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(0xffffffff), (body, seq) => {
        const buf = new Uint8Array(esp + 8 + body.length);
        buf.set([0x12, 0x34, 0xab, 0xcd, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff], esp);
        buf.set(body, esp + 8);
        expect(into.open(buf, esp, buf.length)).toBeLessThan(0);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses keys of the wrong length and ciphers without integrity", () => {
    expect(() => new EspOutboundSa({ ...params("aes-gcm-256", "none"), encKey: new Uint8Array(32) })).toThrow(/36-byte/);
    expect(() => new EspOutboundSa(params("aes-cbc-128", "none"))).toThrow(/integrity/);
  });
});
