import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseIpv4 as parseAddress, type Ipv4 } from "./addr";
import { internetChecksum } from "./checksum";
import { isWireError, type WireError } from "./errors";
import { IpProtocol, ipv4Dst, ipv4Protocol, ipv4Src } from "./ipv4";
import type { Label } from "./mpls";
import { NHRP_TRAFFIC_REDIRECT, NhrpErrorCode, NhrpResolutionFlag, NhrpType, emitNhrp, nhrpChecksumOk, nhrpLength, nhrpTypeAt, nhrpTypeName, parseNhrp, type NhrpMessage, type NhrpPacket } from "./nhrp";
import { NHRP_PREFIX_ANY, type NhrpCie } from "./nhrp-cie";
import { NhrpExtensionType, type NhrpExtensions, type NhrpUnknownExtension } from "./nhrp-extensions";
import { FLEXLAB_LABEL_OUI } from "./nhrp-labels";

function a(text: string): Ipv4 {
  const v = parseAddress(text);
  if (v === undefined) throw new Error(text);
  return v;
}

function parsed(bytes: Uint8Array, offset?: number, end?: number): NhrpPacket {
  const p = parseNhrp(bytes, offset, end);
  if (isWireError(p)) throw new Error(p.toString());
  return p;
}

function failure(bytes: Uint8Array, offset?: number, end?: number): WireError {
  const p = parseNhrp(bytes, offset, end);
  if (!isWireError(p)) throw new Error(`parsed as ${nhrpTypeName(p.type)}`);
  return p;
}

/** The field and offset a malformed packet is refused for. */
function fault(bytes: Uint8Array): [string, number] {
  const e = failure(bytes);
  return [e.field, e.offset];
}

/** Puts a right checksum back after a test edits a packet, so the edit itself is what fails. */
function resum(bytes: Uint8Array): Uint8Array {
  bytes[12] = 0;
  bytes[13] = 0;
  const size = Math.min((bytes[10] << 8) | bytes[11], bytes.length);
  const sum = internetChecksum(bytes, 0, size);
  bytes[12] = sum >>> 8;
  bytes[13] = sum & 0xff;
  return bytes;
}

/** IOS's resolution request up to its extensions, then `extension` bytes as its extensions. */
function requestWithExtensions(...extension: number[]): Uint8Array {
  const bytes = new Uint8Array(52 + extension.length);
  bytes.set(IOS_RESOLUTION_REQUEST.subarray(0, 52));
  bytes.set(extension, 52);
  bytes[10] = bytes.length >>> 8;
  bytes[11] = bytes.length & 0xff;
  return resum(bytes);
}

function edited(bytes: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, at);
  return resum(copy);
}

// Hand-assembled from RFC 2332 §5.2.0-5.2.1 as IOS sends a phase-3 resolution request:
// R3-Spoke1 (NBMA 172.16.1.103, tunnel 10.1.1.3) asks for 192.168.114.1, flags "router
// auth src-stable nat" (Q|A|S|NAT), request ID 7, one CIE (prefix 32, MTU 1514, hold 600 s,
// no addresses), then empty responder address, forward and reverse transit NHS records and
// End, each compulsory. The checksum was summed apart from the codec.
const IOS_RESOLUTION_REQUEST = Uint8Array.of(
  0x00, 0x01, 0x08, 0x00, //   afn 1 (IPv4), pro.type 0x0800
  0x00, 0x00, 0x00, 0x00, //   pro.snap (5 bytes)...
  0x00, 0xff, 0x00, 0x44, //   ...snap, hop count 255, packet size 68
  0x31, 0xe3, 0x00, 0x34, //   checksum, extension offset 52
  0x01, 0x01, 0x04, 0x00, //   version 1, type 1, shtl 4, sstl 0
  0x04, 0x04, 0xc8, 0x02, // mandatory: src/dst proto len 4, flags 0xc802
  0x00, 0x00, 0x00, 0x07, //   request ID 7
  0xac, 0x10, 0x01, 0x67, //   src NBMA 172.16.1.103
  0x0a, 0x01, 0x01, 0x03, //   src protocol 10.1.1.3
  0xc0, 0xa8, 0x72, 0x01, //   dst protocol 192.168.114.1
  0x00, 0x20, 0x00, 0x00, // CIE: code 0, prefix 32, unused
  0x05, 0xea, 0x02, 0x58, //   MTU 1514, holding time 600
  0x00, 0x00, 0x00, 0x00, //   no NBMA, no subaddress, no protocol, preference 0
  0x80, 0x03, 0x00, 0x00, // responder address (C), empty
  0x80, 0x04, 0x00, 0x00, // forward transit NHS record (C), empty
  0x80, 0x05, 0x00, 0x00, // reverse transit NHS record (C), empty
  0x80, 0x00, 0x00, 0x00, // End (C)
);

// R4-Spoke's answer: the request's addresses and ID echoed, one CIE for 192.168.114.0/24 via
// 10.1.1.4 at NBMA 172.16.1.104, the responder address extension naming R4 itself, the
// reverse transit record naming the hub, and FlexLab's label extension: CIE labels 40 (the
// prefix, as the source document's example reply) and 3 (implicit-null for R4's tunnel).
const RESOLUTION_REPLY_WITH_LABELS = Uint8Array.of(
  0x00, 0x01, 0x08, 0x00,
  0x00, 0x00, 0x00, 0x00,
  0x00, 0xff, 0x00, 0x88, //   packet size 136
  0x43, 0x09, 0x00, 0x3c, //   checksum, extension offset 60
  0x01, 0x02, 0x04, 0x00, //   type 2
  0x04, 0x04, 0xc8, 0x02,
  0x00, 0x00, 0x00, 0x07,
  0xac, 0x10, 0x01, 0x67,
  0x0a, 0x01, 0x01, 0x03,
  0xc0, 0xa8, 0x72, 0x01,
  0x00, 0x18, 0x00, 0x00, // CIE: code 0, prefix 24
  0x05, 0xea, 0x02, 0x58,
  0x04, 0x00, 0x04, 0x00, //   NBMA length 4, protocol length 4
  0xac, 0x10, 0x01, 0x68, //   172.16.1.104
  0x0a, 0x01, 0x01, 0x04, //   10.1.1.4
  0x80, 0x03, 0x00, 0x14, // responder address (C), one CIE
  0x00, 0x20, 0x00, 0x00,
  0x05, 0xea, 0x02, 0x58,
  0x04, 0x00, 0x04, 0x00,
  0xac, 0x10, 0x01, 0x68,
  0x0a, 0x01, 0x01, 0x04,
  0x80, 0x04, 0x00, 0x00, // forward transit (C), empty
  0x80, 0x05, 0x00, 0x14, // reverse transit (C): the hub
  0x00, 0x20, 0x00, 0x00,
  0x05, 0xea, 0x02, 0x58,
  0x04, 0x00, 0x04, 0x00,
  0xac, 0x10, 0x00, 0x01,
  0x0a, 0x00, 0x00, 0x01,
  0x00, 0x08, 0x00, 0x10, // vendor private (not compulsory), 16 bytes
  0x46, 0x4c, 0x58, 0x01, //   vendor ID "FLX", format 1
  0x00, 0x02, 0x00, 0x08, //   sub-TLV 2 (CIE labels), 8 bytes
  0x00, 0x00, 0x00, 0x28, //   40
  0x00, 0x00, 0x00, 0x03, //   3, implicit-null
  0x80, 0x00, 0x00, 0x00, // End
);

// The hub's redirect to R3 (DMVPN phase 3, draft-detienne-dmvpn; Wireshark's layout):
// traffic code 0 between two unused fields, the hub's NBMA and tunnel addresses, the
// triggering packet's source as the destination, then that packet's IP header and first 8
// bytes (an echo request 192.168.113.1 → 192.168.114.1). No extensions.
const IOS_TRAFFIC_INDICATION = Uint8Array.of(
  0x00, 0x01, 0x08, 0x00,
  0x00, 0x00, 0x00, 0x00,
  0x00, 0xff, 0x00, 0x44, //   packet size 68
  0xfd, 0xf0, 0x00, 0x00, //   checksum, no extensions
  0x01, 0x08, 0x04, 0x00, //   type 8
  0x04, 0x04, 0x00, 0x00, // src/dst proto len, unused
  0x00, 0x00, 0x00, 0x00, //   traffic code 0 (redirect), unused
  0xac, 0x10, 0x00, 0x01, //   src NBMA 172.16.0.1
  0x0a, 0x00, 0x00, 0x01, //   src protocol 10.0.0.1
  0xc0, 0xa8, 0x71, 0x01, //   dst protocol 192.168.113.1
  0x45, 0x00, 0x00, 0x54, // the triggering IP header...
  0x12, 0x34, 0x00, 0x00,
  0xfe, 0x01, 0x46, 0x21,
  0xc0, 0xa8, 0x71, 0x01,
  0xc0, 0xa8, 0x72, 0x01,
  0x08, 0x00, 0x00, 0x00, // ...and the start of its ICMP echo
  0x00, 0x01, 0x00, 0x01,
);

const REQUEST_CIE: NhrpCie = { code: 0, prefixLength: 32, mtu: 1514, holdingTime: 600, preference: 0 };
const R4: NhrpCie = { code: 0, prefixLength: 32, mtu: 1514, holdingTime: 600, preference: 0, clientNbma: a("172.16.1.104"), clientProtocol: a("10.1.1.4") };
const HUB: NhrpCie = { ...R4, clientNbma: a("172.16.0.1"), clientProtocol: a("10.0.0.1") };

describe("NHRP resolution request and reply (RFC 2332 §5.2.1, §5.2.2)", () => {
  it("reads IOS's resolution request field by field", () => {
    const p = parsed(IOS_RESOLUTION_REQUEST);
    expect(p.type).toBe(NhrpType.ResolutionRequest);
    if (p.type !== NhrpType.ResolutionRequest) return;
    expect(p.hopCount).toBe(255);
    expect(p.flags).toBe(NhrpResolutionFlag.Q | NhrpResolutionFlag.A | NhrpResolutionFlag.S | NhrpResolutionFlag.Nat);
    expect(p.requestId).toBe(7);
    expect([p.srcNbma, p.srcProtocol, p.dstProtocol]).toEqual([a("172.16.1.103"), a("10.1.1.3"), a("192.168.114.1")]);
    expect(p.cies).toEqual([REQUEST_CIE]);
    expect(p.cies[0].clientNbma).toBeUndefined();
    expect(p.extensions).toEqual({ responder: null, forwardTransit: [], reverseTransit: [] });
  });

  it("emits that request byte for byte, sizes, extension offset, End and checksum computed", () => {
    const request: NhrpMessage = {
      type: NhrpType.ResolutionRequest,
      hopCount: 255,
      flags: 0xc802,
      requestId: 7,
      srcNbma: a("172.16.1.103"),
      srcProtocol: a("10.1.1.3"),
      dstProtocol: a("192.168.114.1"),
      cies: [REQUEST_CIE],
      extensions: { responder: null, forwardTransit: [], reverseTransit: [] },
    };
    expect(emitNhrp(request)).toEqual(IOS_RESOLUTION_REQUEST);
    expect(nhrpLength(request)).toBe(68);
  });

  it("reads a reply with a prefix CIE, responder and transit records, and its labels", () => {
    const p = parsed(RESOLUTION_REPLY_WITH_LABELS);
    if (p.type !== NhrpType.ResolutionReply) throw new Error(nhrpTypeName(p.type));
    expect(p.requestId).toBe(7);
    expect(p.cies).toEqual([{ ...R4, prefixLength: 24 }]);
    expect(p.extensions.responder).toEqual(R4);
    expect(p.extensions.forwardTransit).toEqual([]);
    expect(p.extensions.reverseTransit).toEqual([HUB]);
    expect(p.extensions.labels).toEqual({ cieLabels: [40, 3] });
    expect(p.extensions.labels?.vrfLabel).toBeUndefined();
    expect(p.extensions.unknown).toBeUndefined();
    expect(emitNhrp(p)).toEqual(RESOLUTION_REPLY_WITH_LABELS);
  });

  it("asks for the responder's whole prefix with prefix length 0xff", () => {
    const p = parsed(edited(IOS_RESOLUTION_REQUEST, 41, NHRP_PREFIX_ANY));
    expect(p.type === NhrpType.ResolutionRequest && p.cies[0].prefixLength).toBe(0xff);
  });
});

describe("NHRP traffic indication (the DMVPN phase 3 redirect)", () => {
  it("reads the hub's redirect field by field, with the triggering packet after the addresses", () => {
    const p = parsed(IOS_TRAFFIC_INDICATION);
    if (p.type !== NhrpType.TrafficIndication) throw new Error(nhrpTypeName(p.type));
    expect(p.trafficCode).toBe(NHRP_TRAFFIC_REDIRECT);
    expect(p.hopCount).toBe(255);
    expect([p.srcNbma, p.srcProtocol, p.dstProtocol]).toEqual([a("172.16.0.1"), a("10.0.0.1"), a("192.168.113.1")]);
    expect(p.packet.length).toBe(28);
    expect([ipv4Src(p.packet, 0), ipv4Dst(p.packet, 0), ipv4Protocol(p.packet, 0)]).toEqual([a("192.168.113.1"), a("192.168.114.1"), IpProtocol.Icmp]);
    expect(p.extensions).toEqual({});
    expect(emitNhrp(p)).toEqual(IOS_TRAFFIC_INDICATION);
  });

  it("carries the overlay label naming the VRF in FlexLab's extension: vendor ID, format, sub-TLV 1", () => {
    const bytes = emitNhrp({ ...parsed(IOS_TRAFFIC_INDICATION), extensions: { labels: { vrfLabel: 30 as Label } } } as NhrpPacket);
    expect([...bytes.subarray(68)]).toEqual([
      0x00, 0x08, 0x00, 0x0c, // vendor private, 12 bytes
      0x46, 0x4c, 0x58, 0x01,
      0x00, 0x01, 0x00, 0x04, // VRF label, 4 bytes
      0x00, 0x00, 0x00, 0x1e, // 30
      0x80, 0x00, 0x00, 0x00,
    ]);
    expect((bytes[14] << 8) | bytes[15]).toBe(68);
    expect(parsed(bytes).extensions).toEqual({ labels: { vrfLabel: 30 } });
  });
});

describe("NHRP error indication (RFC 2332 §5.2.7)", () => {
  it("carries the error code, offset, addresses and the packet in error", () => {
    const p = parsed(
      emitNhrp({
        type: NhrpType.ErrorIndication,
        hopCount: 255,
        errorCode: NhrpErrorCode.ProtocolAddressUnreachable,
        errorOffset: 0,
        srcNbma: a("172.16.0.1"),
        srcProtocol: a("10.0.0.1"),
        dstProtocol: a("10.1.1.3"),
        packet: IOS_RESOLUTION_REQUEST,
        extensions: {},
      }),
    );
    if (p.type !== NhrpType.ErrorIndication) throw new Error(nhrpTypeName(p.type));
    expect([p.errorCode, p.errorOffset, p.dstProtocol]).toEqual([6, 0, a("10.1.1.3")]);
    expect(p.packet).toEqual(IOS_RESOLUTION_REQUEST);
    expect(parsed(p.packet).type).toBe(NhrpType.ResolutionRequest);
    expect(p.extensions).toEqual({});
  });
});

// One of everything: every extension the model knows, two unknown ones and another
// vendor's private extension.
const ALL_EXTENSIONS: NhrpExtensions = {
  responder: R4,
  forwardTransit: [HUB],
  reverseTransit: [HUB, R4],
  authentication: { spi: 1, data: new TextEncoder().encode("cisco123") },
  nat: [{ ...R4, clientNbma: a("203.0.113.9") }],
  labels: { vrfLabel: 30 as Label, cieLabels: [40 as Label, 3 as Label] },
  unknown: [
    { type: 0x1234, compulsory: false, data: Uint8Array.of(1, 2, 3) },
    { type: NhrpExtensionType.VendorPrivate, compulsory: false, data: Uint8Array.of(0x00, 0x00, 0x0c, 0xde, 0xad) },
    { type: 42, compulsory: true, data: new Uint8Array(0) },
  ],
};

function message(type: NhrpMessage["type"], extensions: NhrpExtensions): NhrpMessage {
  return { type, hopCount: 254, flags: 0x8002, requestId: 0xfedcba98, srcNbma: a("172.16.1.103"), srcProtocol: a("10.1.1.3"), dstProtocol: a("10.0.0.1"), cies: [REQUEST_CIE, R4], extensions };
}

describe("NHRP extensions (RFC 2332 §5.3, Cisco's NAT address, FlexLab's labels)", () => {
  const everyType: NhrpPacket[] = [
    ...([1, 2, 3, 4, 5, 6] as const).map((t) => message(t, ALL_EXTENSIONS)),
    { type: 7, hopCount: 1, errorCode: NhrpErrorCode.UnrecognizedExtension, errorOffset: 52, srcNbma: a("172.16.0.1"), srcProtocol: a("10.0.0.1"), dstProtocol: a("10.1.1.3"), packet: IOS_RESOLUTION_REQUEST, extensions: ALL_EXTENSIONS },
    { type: 8, hopCount: 255, trafficCode: 0, srcNbma: a("172.16.0.1"), srcProtocol: a("10.0.0.1"), dstProtocol: a("192.168.113.1"), packet: IOS_TRAFFIC_INDICATION.subarray(40), extensions: ALL_EXTENSIONS },
  ];
  for (const p of everyType) {
    it(`round-trips a ${nhrpTypeName(p.type)} with every extension`, () => {
      const bytes = emitNhrp(p);
      expect(bytes.length).toBe(nhrpLength(p));
      expect(nhrpChecksumOk(bytes)).toBe(true);
      expect(nhrpTypeAt(bytes, 0)).toBe(p.type);
      expect(parsed(bytes)).toEqual(p);
    });
  }

  it("writes IOS's cleartext authentication: SPI 1 in a 4-byte field, then the secret", () => {
    const bytes = emitNhrp(message(3, { authentication: { spi: 1, data: new TextEncoder().encode("cisco123") } }));
    const ext = bytes.subarray((bytes[14] << 8) | bytes[15]);
    expect([...ext.subarray(0, 8)]).toEqual([0x80, 0x07, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01]);
    expect(new TextDecoder().decode(ext.subarray(8, 16))).toBe("cisco123");
    expect([...ext.subarray(16)]).toEqual([0x80, 0x00, 0x00, 0x00]);
  });

  it("keeps unknown and other vendors' extensions, compulsory bit included, and sends them on", () => {
    const bytes = emitNhrp(message(1, { unknown: ALL_EXTENSIONS.unknown }));
    const ext = bytes.subarray((bytes[14] << 8) | bytes[15]);
    expect([...ext.subarray(0, 7)]).toEqual([0x12, 0x34, 0x00, 0x03, 1, 2, 3]);
    expect([...ext.subarray(7, 16)]).toEqual([0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x0c, 0xde, 0xad]);
    expect([...ext.subarray(16)]).toEqual([0x80, 0x2a, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00]);
    const p = parsed(bytes);
    expect(p.extensions.unknown).toEqual(ALL_EXTENSIONS.unknown);
    expect(p.extensions.labels).toBeUndefined();
  });

  it("accepts extensions in any order and without the compulsory bit, and ends at End", () => {
    const r4Cie = RESOLUTION_REPLY_WITH_LABELS.subarray(64, 84);
    // NAT address first, then the responder address without its C bit, End, and stray bytes after End.
    const bytes = requestWithExtensions(0x00, 0x09, 0x00, 0x14, ...r4Cie, 0x00, 0x03, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0xee, 0xee);
    expect(parsed(bytes).extensions).toEqual({ nat: [R4], responder: null });
  });

  it("accepts an extension list that runs to the packet end without End", () => {
    expect(parsed(requestWithExtensions(0x80, 0x03, 0x00, 0x00)).extensions).toEqual({ responder: null });
  });

  it("writes nothing and a zero extension offset when there are no extensions", () => {
    const bytes = emitNhrp(message(2, {}));
    expect([bytes[14], bytes[15]]).toEqual([0, 0]);
    expect(bytes.length).toBe(20 + 20 + 12 + 20);
  });
});

describe("NHRP malformed input: a WireError naming the field, never a throw", () => {
  const vectors = { request: IOS_RESOLUTION_REQUEST, reply: RESOLUTION_REPLY_WITH_LABELS, traffic: IOS_TRAFFIC_INDICATION };
  for (const [name, bytes] of Object.entries(vectors)) {
    it(`refuses the ${name} cut at every length`, () => {
      for (let n = 0; n < bytes.length; n++) expect(isWireError(parseNhrp(bytes.subarray(0, n))), `cut at ${n}`).toBe(true);
    });
  }

  it("refuses a bad checksum", () => {
    const bad = IOS_RESOLUTION_REQUEST.slice();
    bad[30] ^= 0x40;
    expect(fault(bad)).toEqual(["ar$chksum", 12]);
    expect(nhrpChecksumOk(bad)).toBe(false);
    expect(nhrpChecksumOk(IOS_RESOLUTION_REQUEST)).toBe(true);
  });

  it("refuses other address families, protocol types, versions, packet types and address lengths", () => {
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 0, 0x00, 0x02))).toEqual(["ar$afn", 0]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 2, 0x86, 0xdd))).toEqual(["ar$pro.type", 2]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 16, 2))).toEqual(["ar$op.version", 16]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 17, 0))).toEqual(["ar$op.type", 17]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 17, 9))).toEqual(["ar$op.type", 17]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 18, 16))).toEqual(["ar$shtl", 18]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 19, 4))).toEqual(["ar$sstl", 19]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 20, 16))).toEqual(["src protocol length", 20]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 21, 0))).toEqual(["dst protocol length", 21]);
  });

  it("refuses packet sizes shorter than the header or longer than the bytes", () => {
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 10, 0, 19))).toEqual(["ar$pktsz", 10]);
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 10, 0, 69)).field).toBe("packet");
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 10, 0, 24, 0, 0, 0, 0)).field).toBe("mandatory part");
  });

  it("refuses an extension offset inside the mandatory part's fixed fields or past the packet", () => {
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 14, 0, 39))).toEqual(["ar$extoff", 14]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 14, 0, 69))).toEqual(["ar$extoff", 14]);
  });

  it("refuses CIEs that overrun the mandatory part, or leave a piece of one", () => {
    // The request's CIE claims a 4-byte NBMA address that is not there.
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 48, 4)).field).toBe("mandatory part CIE 1 addresses");
    // Extension offset 2 bytes early: the CIE is cut short.
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 14, 0, 50)).field).toBe("mandatory part CIE 1");
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 48, 7)).field).toBe("mandatory part CIE 1 client NBMA type/length");
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 49, 2)).field).toBe("mandatory part CIE 1 client NBMA subaddress type/length");
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 50, 16)).field).toBe("mandatory part CIE 1 client protocol length");
  });

  it("refuses extensions that overrun the packet, End with a length, and a cut extension header", () => {
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 54, 0x00, 0x20))).toEqual(["extension length", 54]);
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 10, 0, 66))).toEqual(["extension header", 64]);
    const endWithLength = edited(IOS_RESOLUTION_REQUEST, 64, 0x80, 0x00, 0x00, 0x00);
    endWithLength.set([0x80, 0x00, 0x00, 0x04], 60);
    expect(fault(resum(endWithLength))).toEqual(["End extension length", 62]);
    // A responder address extension cut inside its CIE.
    expect(failure(edited(IOS_RESOLUTION_REQUEST, 52, 0x80, 0x03, 0x00, 0x04)).field).toBe("responder address CIE 1");
  });

  it("refuses a known extension twice and a responder extension with two CIEs", () => {
    expect(fault(edited(IOS_RESOLUTION_REQUEST, 56, 0x80, 0x03))).toEqual(["extension type", 56]);
    const two = emitNhrp(message(1, { forwardTransit: [R4, R4] }));
    two[((two[14] << 8) | two[15]) + 1] = NhrpExtensionType.ResponderAddress;
    expect(failure(resum(two)).field).toBe("responder address extension");
  });

  it("refuses short authentication and vendor private extensions", () => {
    expect(fault(requestWithExtensions(0x80, 0x07, 0x00, 0x03, 0, 0, 1, 0x80, 0x00, 0x00, 0x00))).toEqual(["authentication SPI", 56]);
    expect(fault(requestWithExtensions(0x00, 0x08, 0x00, 0x02, 0x00, 0x0c, 0x80, 0x00, 0x00, 0x00))).toEqual(["vendor ID", 56]);
    expect(parsed(requestWithExtensions(0x80, 0x07, 0x00, 0x04, 0, 0, 0, 1, 0x80, 0x00, 0x00, 0x00)).extensions).toEqual({ authentication: { spi: 1, data: new Uint8Array(0) } });
  });

  describe("FlexLab's label extension", () => {
    const labelled = emitNhrp(message(2, { labels: { vrfLabel: 30 as Label, cieLabels: [40 as Label] } }));
    const at = ((labelled[14] << 8) | labelled[15]) + 4; // the vendor ID
    it("is one vendor private extension laid out as documented", () => {
      expect([...labelled.subarray(at - 4, at + 24)]).toEqual([
        0x00, 0x08, 0x00, 0x14, 0x46, 0x4c, 0x58, 0x01, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x1e,
        0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x28, 0x80, 0x00, 0x00, 0x00,
      ]);
    });
    it("refuses another format, unknown or repeated sub-TLVs, wrong lengths and labels over 20 bits", () => {
      expect(fault(edited(labelled, at + 3, 2))).toEqual(["label extension format", at + 3]);
      expect(fault(edited(labelled, at + 5, 9))).toEqual(["label sub-TLV type", at + 4]);
      expect(fault(edited(labelled, at + 13, 1))).toEqual(["label sub-TLV type", at + 12]);
      expect(fault(edited(labelled, at + 7, 3))).toEqual(["VRF label length", at + 6]);
      expect(fault(edited(labelled, at + 15, 3))).toEqual(["CIE labels length", at + 14]);
      expect(fault(edited(labelled, at + 15, 8))).toEqual(["label sub-TLV length", at + 14]);
      expect(fault(edited(labelled, at + 8, 0x00, 0x10))).toEqual(["VRF label", at + 8]);
      expect(fault(edited(labelled, at + 16, 0x80))).toEqual(["CIE label 1", at + 16]);
    });
    it("refuses a label extension with no format byte, or twice", () => {
      const bare = emitNhrp(message(2, { unknown: [{ type: 8, compulsory: false, data: Uint8Array.of(0x46, 0x4c, 0x58) }] }));
      expect(failure(bare).field).toBe("label extension format");
      const twice = emitNhrp(message(2, { labels: {}, unknown: [{ type: 8, compulsory: false, data: Uint8Array.of(0x46, 0x4c, 0x58, 0x01) }] }));
      expect(failure(twice).field).toBe("extension type");
    });
    it("is someone else's when the vendor ID differs", () => {
      const other = edited(labelled, at + 2, 0x59);
      const p = parsed(other);
      expect(p.extensions.labels).toBeUndefined();
      expect(p.extensions.unknown?.[0].type).toBe(NhrpExtensionType.VendorPrivate);
      expect(FLEXLAB_LABEL_OUI).toBe(0x464c58);
    });
  });

  it("refuses to emit a label over 20 bits or a packet over 65,535 bytes", () => {
    expect(() => emitNhrp(message(2, { labels: { vrfLabel: 0x100000 as Label } }))).toThrow(RangeError);
    expect(() => emitNhrp(message(2, { unknown: [{ type: 99, compulsory: false, data: new Uint8Array(70_000) }] }))).toThrow(RangeError);
  });
});

describe("NHRP within a larger buffer", () => {
  it("parses from an offset and ignores bytes past the packet size", () => {
    const buf = new Uint8Array(7 + IOS_RESOLUTION_REQUEST.length + 5).fill(0xaa);
    buf.set(IOS_RESOLUTION_REQUEST, 7);
    expect(parsed(buf, 7)).toEqual(parsed(IOS_RESOLUTION_REQUEST));
    expect(nhrpChecksumOk(buf, 7)).toBe(true);
    expect(nhrpTypeAt(buf, 7)).toBe(1);
    const e = failure(buf, 7, 7 + 60);
    expect([e.field, e.offset]).toEqual(["packet", 7]);
    expect(failure(buf, 7, 3).field).toBe("fixed header");
  });

  it("names the types as Wireshark does, without the NHRP", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(nhrpTypeName)).toEqual([
      "Resolution Request",
      "Resolution Reply",
      "Registration Request",
      "Registration Reply",
      "Purge Request",
      "Purge Reply",
      "Error Indication",
      "Traffic Indication",
    ]);
    expect(nhrpTypeName(42)).toBe("Unknown(42)");
  });
});

// --- Properties ---

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const ipArb = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as Ipv4);
const labelArb = fc.integer({ min: 0, max: 0xfffff }).map((n) => n as Label);
const cieArb: fc.Arbitrary<NhrpCie> = fc.record({
  code: u8,
  prefixLength: u8,
  mtu: u16,
  holdingTime: u16,
  preference: u8,
  clientNbma: fc.option(ipArb, { nil: undefined }),
  clientProtocol: fc.option(ipArb, { nil: undefined }),
});
const cieList = fc.array(cieArb, { maxLength: 3 });
const KNOWN_TYPES = new Set<number>(Object.values(NhrpExtensionType));
const unknownArb: fc.Arbitrary<NhrpUnknownExtension> = fc.oneof(
  fc.record({
    type: fc.integer({ min: 1, max: 0x3fff }).filter((t) => !KNOWN_TYPES.has(t)),
    compulsory: fc.boolean(),
    data: fc.uint8Array({ maxLength: 12 }),
  }),
  fc.record({
    type: fc.constant(NhrpExtensionType.VendorPrivate),
    compulsory: fc.boolean(),
    data: fc.uint8Array({ minLength: 3, maxLength: 12 }).filter((d) => ((d[0] << 16) | (d[1] << 8) | d[2]) !== FLEXLAB_LABEL_OUI),
  }),
);
const extensionsArb: fc.Arbitrary<NhrpExtensions> = fc.record(
  {
    responder: fc.oneof(cieArb, fc.constant(null)),
    forwardTransit: cieList,
    reverseTransit: cieList,
    authentication: fc.record({ spi: u16, data: fc.uint8Array({ maxLength: 16 }) }),
    nat: cieList,
    labels: fc.record({ vrfLabel: labelArb, cieLabels: fc.array(labelArb, { maxLength: 4 }) }, { requiredKeys: [] }),
    unknown: fc.array(unknownArb, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const packetArb: fc.Arbitrary<NhrpPacket> = fc.oneof(
  fc.record({
    type: fc.constantFrom(1, 2, 3, 4, 5, 6) as fc.Arbitrary<NhrpMessage["type"]>,
    hopCount: u8,
    flags: u16,
    requestId: fc.integer({ min: 0, max: 0xffffffff }),
    srcNbma: ipArb,
    srcProtocol: ipArb,
    dstProtocol: ipArb,
    cies: cieList,
    extensions: extensionsArb,
  }),
  fc.record({
    type: fc.constant(7 as const),
    hopCount: u8,
    errorCode: u16,
    errorOffset: u16,
    srcNbma: ipArb,
    srcProtocol: ipArb,
    dstProtocol: ipArb,
    packet: fc.uint8Array({ maxLength: 40 }),
    extensions: extensionsArb,
  }),
  fc.record({
    type: fc.constant(8 as const),
    hopCount: u8,
    trafficCode: u16,
    srcNbma: ipArb,
    srcProtocol: ipArb,
    dstProtocol: ipArb,
    packet: fc.uint8Array({ maxLength: 40 }),
    extensions: extensionsArb,
  }),
);

describe("NHRP properties", () => {
  it("parse(emit(x)) is x for any packet", () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        const bytes = emitNhrp(p);
        expect(bytes.length).toBe(nhrpLength(p));
        expect(parsed(bytes)).toEqual(p);
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations of valid packets", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => void parseNhrp(bytes)));
    fc.assert(
      fc.property(packetArb, fc.nat(), fc.nat(), u8, fc.boolean(), (p, cut, at, value, fix) => {
        const bytes = emitNhrp(p);
        parseNhrp(bytes.subarray(0, cut % (bytes.length + 1)));
        bytes[at % bytes.length] = value;
        // With the checksum repaired the mutation reaches the field parsers behind it.
        parseNhrp(fix ? resum(bytes) : bytes);
      }),
    );
  });
});
