import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIpv4, type Ipv4, type Mac } from "./addr";
import { CDP_MULTICAST, CdpCapability, CdpTlvType, buildCdpFrame, cdpChecksum, emitCdp, parseCdp, type CdpAddress, type CdpRepr } from "./cdp";
import type { WireError } from "./errors";
import { isWireError } from "./errors";
import { parseEthernet } from "./ethernet";
import { CiscoSnapPid, SnapOui, isIeee8023Length, parseLlcSnap } from "./llc";

const ip = (s: string) => parseIpv4(s) as Ipv4;

const R1: CdpRepr = {
  version: 2,
  ttlSec: 180,
  deviceId: "R1.lab.example",
  addresses: [{ kind: "ipv4", address: ip("10.0.12.1") }],
  portId: "Ethernet0/0",
  capabilities: CdpCapability.Router | CdpCapability.SourceRouteBridge,
  softwareVersion: "Cisco IOS Software, Linux Software (I86BI_LINUX-ADVENTERPRISEK9-M), Version 15.7(3)M2, RELEASE SOFTWARE (fc2)",
  platform: "Linux Unix",
  duplex: "full",
  unknown: [],
};

describe("CDP", () => {
  it("emits the header, Device ID first, and an IPv4 address as an NLPID 0xCC entry", () => {
    const pdu = emitCdp({ version: 2, ttlSec: 180, deviceId: "R1", addresses: [{ kind: "ipv4", address: ip("10.0.0.1") }], unknown: [] });
    expect([...pdu.subarray(0, 2)]).toEqual([2, 180]);
    expect([...pdu.subarray(4, 10)]).toEqual([0x00, 0x01, 0x00, 0x06, 0x52, 0x31]);
    // Addresses: type 2, length 17, one address, NLPID (1), length 1, 0xCC, address length 4, 10.0.0.1
    expect([...pdu.subarray(10)]).toEqual([0, 2, 0, 17, 0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 10, 0, 0, 1]);
    expect(cdpChecksum(pdu)).toBe(0);
  });

  it("checksums an odd-length PDU with Cisco's quirk: the last byte is the low byte of a word, sign-extended", () => {
    // One byte after an even-length run: 0x7f counts as 0x007f, 0x80 as 0xff7f (Wireshark's packet-cdp.c).
    const even = Uint8Array.of(0x12, 0x34);
    expect(cdpChecksum(Uint8Array.of(0x12, 0x34, 0x7f))).toBe((~(0x1234 + 0x007f)) & 0xffff);
    expect(cdpChecksum(Uint8Array.of(0x12, 0x34, 0x80))).toBe((~((0x1234 + 0xff7f) % 0xffff)) & 0xffff);
    expect(cdpChecksum(even)).toBe(~0x1234 & 0xffff);
    const odd = emitCdp({ version: 2, ttlSec: 180, deviceId: "R1\xff", unknown: [] });
    expect(odd.length % 2).toBe(1);
    expect(parseCdp(odd)).toEqual({ version: 2, ttlSec: 180, deviceId: "R1\xff", unknown: [] });
  });

  it("round-trips every TLV it knows, and keeps unknown TLVs and second copies in order", () => {
    const repr: CdpRepr = { ...R1, nativeVlan: 1, vtpManagementDomain: "", managementAddresses: [{ kind: "ipv4", address: ip("10.0.12.1") }], unknown: [{ type: 0x1a, value: Uint8Array.of(1, 2, 3) }, { type: CdpTlvType.DeviceId, value: Uint8Array.of(0x41) }] };
    expect(parseCdp(emitCdp(repr))).toEqual(repr);
  });

  it("builds an 802.3 frame with a length field, LLC/SNAP AA-AA-03, OUI 00-00-0C and protocol 0x2000", () => {
    const frame = buildCdpFrame(0xaabbcc000100 as Mac, R1);
    const eth = parseEthernet(frame);
    if (isWireError(eth)) throw new Error(eth.toString());
    expect(eth.repr.dst).toBe(CDP_MULTICAST);
    expect(isIeee8023Length(eth.repr.etherType)).toBe(true);
    expect(eth.repr.etherType).toBe(frame.length - 14);
    expect([...frame.subarray(14, 22)]).toEqual([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00]);
    const snap = parseLlcSnap(eth.payload);
    if (isWireError(snap)) throw new Error(snap.toString());
    expect(snap.repr).toEqual({ oui: SnapOui.Cisco, pid: CiscoSnapPid.Cdp });
    expect(parseCdp(snap.payload)).toEqual(R1);
  });

  it("rejects a bad checksum, a bad version, a short TLV and a TLV past the end, naming the field", () => {
    const pdu = emitCdp(R1);
    const field = (b: Uint8Array) => (parseCdp(b) as WireError).field;
    const flip = pdu.slice();
    flip[10] ^= 1;
    expect(field(flip)).toBe("checksum");
    const v3 = pdu.slice();
    v3[0] = 3;
    expect(field(v3)).toBe("version");
    const fix = (b: Uint8Array) => {
      b[2] = b[3] = 0;
      const c = cdpChecksum(b);
      b[2] = c >>> 8;
      b[3] = c & 0xff;
      return b;
    };
    const short = pdu.slice();
    short[7] = 3; // Device ID TLV length 3
    expect(field(fix(short))).toBe("TLV length");
    expect(field(fix(pdu.slice(0, pdu.length - 3)))).toBe("TLV header");
    expect(field(fix(pdu.slice(0, pdu.length - 6)))).toBe("Platform TLV");
  });

  const str = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((n) => String.fromCharCode(n)), maxLength: 40 });
  const addr: fc.Arbitrary<CdpAddress> = fc.oneof(
    fc.integer({ min: 0, max: 0xffffffff }).map((n) => ({ kind: "ipv4" as const, address: n as Ipv4 })),
    fc.record({ kind: fc.constant("other" as const), protocolType: fc.constant(2), protocol: fc.uint8Array({ minLength: 8, maxLength: 8 }), address: fc.uint8Array({ maxLength: 16 }) }),
  );
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const arbRepr: fc.Arbitrary<CdpRepr> = fc
    .record({
      version: fc.constantFrom(1, 2),
      ttlSec: fc.integer({ min: 0, max: 255 }),
      deviceId: opt(str),
      addresses: opt(fc.array(addr, { maxLength: 3 })),
      portId: opt(str),
      capabilities: opt(fc.integer({ min: 0, max: 0xffffffff })),
      softwareVersion: opt(str),
      platform: opt(str),
      vtpManagementDomain: opt(str),
      nativeVlan: opt(fc.integer({ min: 0, max: 0xffff })),
      duplex: opt(fc.constantFrom("half" as const, "full" as const)),
      managementAddresses: opt(fc.array(addr, { maxLength: 2 })),
      unknown: fc.array(fc.record({ type: fc.integer({ min: 0x1c, max: 0xffff }), value: fc.uint8Array({ maxLength: 12 }) }), { maxLength: 3 }),
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as CdpRepr);

  it("parse(emit(x)) is x for any repr (property)", () => {
    fc.assert(
      fc.property(arbRepr, (repr) => {
        expect(parseCdp(emitCdp(repr))).toEqual(repr);
      }),
    );
  });

  it("never throws on arbitrary bytes, and whatever it accepts re-emits to bytes that parse the same (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const first = parseCdp(bytes);
        if (isWireError(first)) return;
        expect(parseCdp(emitCdp(first))).toEqual(first);
      }),
    );
    // Mutations of a valid PDU with its checksum repaired reach the TLV parsing.
    const base = emitCdp({ ...R1, nativeVlan: 1 });
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (at, value, cut) => {
        const b = base.slice(0, base.length - (cut % 8));
        b[4 + (at % (b.length - 4))] = value;
        b[2] = b[3] = 0;
        const c = cdpChecksum(b);
        b[2] = c >>> 8;
        b[3] = c & 0xff;
        const first = parseCdp(b);
        if (!isWireError(first)) expect(parseCdp(emitCdp(first))).toEqual(first);
      }),
    );
  });
});
