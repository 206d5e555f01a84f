import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4, type Prefix } from "./addr";
import { AsPathSegmentType, formatAsPath } from "./bgp-aspath";
import {
  BgpAttrFlag,
  defaultAttributeFlags,
  pathAttributeCode,
  type BgpCodecOptions,
  type PathAttribute,
} from "./bgp-attributes";
import { formatCommunity, formatExtendedCommunity, parseRouteTarget, type ExtendedCommunity } from "./bgp-communities";
import { BgpError, BgpErrorCode, BgpUpdateSubcode, bgpErrorCodeName, bgpErrorSubcodeName } from "./bgp-errors";
import { Vpnv4NlriReader, type RouteDistinguisher } from "./bgp-nlri";
import {
  BgpCapabilityCode,
  bgpMessageLengthAt,
  bgpParseAction,
  buildBgpMessage,
  isBgpHeaderAt,
  isIpv4EndOfRib,
  openCapabilities,
  writeBgpHeader,
  parseBgpMessage,
  type BgpCapability,
  type BgpMessage,
  type BgpOptionalParameter,
  type BgpParsed,
} from "./bgp";
import { isWireError } from "./errors";
import { LABEL_MAX, toLabel, type Label } from "./mpls";

const AS2: BgpCodecOptions = { fourOctetAs: false };
const AS4: BgpCodecOptions = { fourOctetAs: true };
const MARKER = new Array(16).fill(0xff);

function msg(type: number, ...body: number[]): Uint8Array {
  const length = 19 + body.length;
  return Uint8Array.of(...MARKER, length >> 8, length & 0xff, type, ...body);
}

function parsed(bytes: Uint8Array, options = AS4): BgpParsed {
  const result = parseBgpMessage(bytes, options);
  if (isWireError(result)) throw new Error(result.toString());
  return result;
}

function failure(bytes: Uint8Array, options = AS4): BgpError {
  const result = parseBgpMessage(bytes, options);
  if (!(result instanceof BgpError)) throw new Error(`expected an error, got ${JSON.stringify(result.message)}`);
  return result;
}

const label = (n: number) => toLabel(n) as Label;

// ---- hand-assembled vectors (RFC 4271 §4, RFC 5492, RFC 4760, RFC 4364, RFC 8277) -------

const KEEPALIVE = msg(4);

// OPEN: version 4, AS 65000 (FDE8), hold 180 (00B4), id 1.1.1.1, three parameters:
// [MP 1/1], [MP 1/128, Cisco route refresh, route refresh, 4-octet AS 65000], [code 70].
const OPEN = msg(1,
  0x04, 0xfd, 0xe8, 0x00, 0xb4, 1, 1, 1, 1, 30,
  0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x01,
  0x02, 0x10, 0x01, 0x04, 0x00, 0x01, 0x00, 0x80, 0x80, 0x00, 0x02, 0x00, 0x41, 0x04, 0x00, 0x00, 0xfd, 0xe8,
  0x02, 0x02, 0x46, 0x00,
);
const OPEN_REPR: BgpMessage = {
  type: "open", version: 4, myAs: 65000, holdTimeSec: 180, bgpId: ipv4(1, 1, 1, 1),
  parameters: [
    { type: "capabilities", capabilities: [{ type: "multiprotocol", afi: 1, safi: 1 }] },
    { type: "capabilities", capabilities: [
      { type: "multiprotocol", afi: 1, safi: 128 }, { type: "route-refresh-cisco" }, { type: "route-refresh" }, { type: "four-octet-as", asn: 65000 },
    ] },
    { type: "capabilities", capabilities: [{ type: "unknown", code: 70, data: new Uint8Array(0) }] },
  ],
};

// UPDATE on a 2-octet session: withdraw 10.9.0.0/16; ORIGIN IGP, AS_PATH (65001 65002),
// NEXT_HOP 192.0.2.1, MED 100, COMMUNITIES 65000:100 no-export; NLRI 10.1/16 10.2.3/24 0/0.
const UPDATE_IPV4 = msg(2,
  0x00, 0x03, 0x10, 0x0a, 0x09,
  0x00, 0x26,
  0x40, 0x01, 0x01, 0x00,
  0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0xfd, 0xea,
  0x40, 0x03, 0x04, 0xc0, 0x00, 0x02, 0x01,
  0x80, 0x04, 0x04, 0x00, 0x00, 0x00, 0x64,
  0xc0, 0x08, 0x08, 0xfd, 0xe8, 0x00, 0x64, 0xff, 0xff, 0xff, 0x01,
  0x10, 0x0a, 0x01, 0x18, 0x0a, 0x02, 0x03, 0x00,
);
const UPDATE_IPV4_REPR: BgpMessage = {
  type: "update",
  withdrawn: [{ addr: ipv4(10, 9, 0, 0), len: 16 }],
  attributes: [
    { type: "origin", flags: 0x40, origin: 0 },
    { type: "as-path", flags: 0x40, segments: [{ type: AsPathSegmentType.AsSequence, asns: [65001, 65002] }] },
    { type: "next-hop", flags: 0x40, nextHop: ipv4(192, 0, 2, 1) },
    { type: "med", flags: 0x80, med: 100 },
    { type: "communities", flags: 0xc0, communities: [0xfde80064, 0xffffff01] },
  ],
  nlri: [{ addr: ipv4(10, 1, 0, 0), len: 16 }, { addr: ipv4(10, 2, 3, 0), len: 24 }, { addr: ipv4(0, 0, 0, 0), len: 0 }],
};

// UPDATE on a 4-octet session announcing two VPN-IPv4 routes: ORIGIN IGP, empty AS_PATH,
// LOCAL_PREF 100, route targets 65000:1, 10.0.0.1:5 and 4200000000:7, MP_REACH_NLRI 1/128
// with next hop RD 0 + 192.0.2.1 and routes
//   label 16,        RD 65000:1,     192.168.1.0/24  (112 bits)
//   labels 17 18,    RD 10.0.0.1:5,  10.0.0.0/8      (120 bits).
const UPDATE_VPNV4 = msg(2,
  0x00, 0x00,
  0x00, 0x5c,
  0x40, 0x01, 0x01, 0x00,
  0x40, 0x02, 0x00,
  0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0x64,
  0xc0, 0x10, 0x18,
  0x00, 0x02, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01,
  0x01, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x05,
  0x02, 0x02, 0xfa, 0x56, 0xea, 0x00, 0x00, 0x07,
  0x80, 0x0e, 0x30,
  0x00, 0x01, 0x80, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x02, 0x01, 0x00,
  0x70, 0x00, 0x01, 0x01, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x01, 0xc0, 0xa8, 0x01,
  0x78, 0x00, 0x01, 0x10, 0x00, 0x01, 0x21, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x05, 0x0a,
);
const UPDATE_VPNV4_REPR: BgpMessage = {
  type: "update",
  withdrawn: [],
  attributes: [
    { type: "origin", flags: 0x40, origin: 0 },
    { type: "as-path", flags: 0x40, segments: [] },
    { type: "local-pref", flags: 0x40, localPref: 100 },
    { type: "extended-communities", flags: 0xc0, communities: [
      { type: "route-target", format: 0, global: 65000, local: 1 },
      { type: "route-target", format: 1, global: ipv4(10, 0, 0, 1), local: 5 },
      { type: "route-target", format: 2, global: 4200000000, local: 7 },
    ] },
    { type: "mp-reach", flags: 0x80, family: "vpnv4", nextHop: ipv4(192, 0, 2, 1), nlri: [
      { labels: [label(16)], rd: { type: 0, asn: 65000, assigned: 1 }, prefix: { addr: ipv4(192, 168, 1, 0), len: 24 } },
      { labels: [label(17), label(18)], rd: { type: 1, ip: ipv4(10, 0, 0, 1), assigned: 5 }, prefix: { addr: ipv4(10, 0, 0, 0), len: 8 } },
    ] },
  ],
  nlri: [],
};

// MP_UNREACH_NLRI withdrawing RD 4200000000:9 192.168.1.0/24 with RFC 8277's 0x800000.
const UPDATE_VPNV4_WITHDRAW = msg(2,
  0x00, 0x00, 0x00, 0x15,
  0x80, 0x0f, 0x12, 0x00, 0x01, 0x80,
  0x70, 0x80, 0x00, 0x00, 0x00, 0x02, 0xfa, 0x56, 0xea, 0x00, 0x00, 0x09, 0xc0, 0xa8, 0x01,
);

const NOTIFICATION = msg(3, 0x06, 0x02, 0x05, 0x62, 0x79, 0x65, 0x21, 0x21); // Cease/admin shutdown, RFC 8203 "bye!!"
const ROUTE_REFRESH = msg(5, 0x00, 0x01, 0x00, 0x80);

describe("BGP-4 messages (RFC 4271 §4)", () => {
  it("reads a KEEPALIVE: the marker, length 19 and type 4", () => {
    expect(parsed(KEEPALIVE)).toEqual({ message: { type: "keepalive" }, length: 19, faults: [] });
    expect(buildBgpMessage({ type: "keepalive" }, AS4)).toEqual(KEEPALIVE);
  });

  it("reads an OPEN's capabilities parameter by parameter, keeping an unknown capability's code", () => {
    const { message } = parsed(OPEN);
    expect(message).toEqual(OPEN_REPR);
    expect(openCapabilities(message as Extract<BgpMessage, { type: "open" }>).map((c) => c.type)).toEqual([
      "multiprotocol", "multiprotocol", "route-refresh-cisco", "route-refresh", "four-octet-as", "unknown",
    ]);
    expect(buildBgpMessage(OPEN_REPR, AS4)).toEqual(OPEN);
  });

  it("reads an IPv4 UPDATE: withdrawn routes, attributes and NLRI, 2-octet AS_PATH", () => {
    const result = parsed(UPDATE_IPV4, AS2);
    expect(result.message).toEqual(UPDATE_IPV4_REPR);
    expect(result.faults).toEqual([]);
    expect(bgpParseAction(result)).toBeUndefined();
    expect(buildBgpMessage(UPDATE_IPV4_REPR, AS2)).toEqual(UPDATE_IPV4);
    expect((UPDATE_IPV4_REPR.type === "update" && UPDATE_IPV4_REPR.attributes[4].type === "communities" && UPDATE_IPV4_REPR.attributes[4].communities.map(formatCommunity))).toEqual(["65000:100", "no-export"]);
  });

  it("prints AS paths as IOS does", () => {
    expect(formatAsPath([
      { type: AsPathSegmentType.ConfedSequence, asns: [64512, 64513] },
      { type: AsPathSegmentType.AsSequence, asns: [65001, 4200000000] },
      { type: AsPathSegmentType.AsSet, asns: [65010, 65011] },
    ])).toBe("(64512 64513) 65001 4200000000 {65010,65011}");
    expect(formatAsPath([])).toBe("");
  });

  it("reads the same AS_PATH bytes as one 4-octet AS on a 4-octet session", () => {
    // 2 ASes of 2 octets are 4 bytes; as 4-octet ASes the segment of 2 needs 8: malformed.
    const result = parsed(UPDATE_IPV4, AS4);
    expect(result.faults.map((f) => [f.field, f.action, f.subcode, f.attributeType])).toEqual([
      ["as-path", "treat-as-withdraw", BgpUpdateSubcode.MalformedAsPath, 2],
    ]);
  });

  it("reads a VPN-IPv4 UPDATE: route targets of all three types, labels with bottom of stack, RDs of type 0 and 1", () => {
    const result = parsed(UPDATE_VPNV4);
    expect(result.message).toEqual(UPDATE_VPNV4_REPR);
    expect(result.faults).toEqual([]);
    expect(buildBgpMessage(UPDATE_VPNV4_REPR, AS4)).toEqual(UPDATE_VPNV4);
    const ext = UPDATE_VPNV4_REPR.type === "update" ? UPDATE_VPNV4_REPR.attributes[3] : undefined;
    expect(ext?.type === "extended-communities" && ext.communities.map(formatExtendedCommunity)).toEqual(["RT:65000:1", "RT:10.0.0.1:5", "RT:4200000000:7"]);
  });

  it("reads a VPN-IPv4 withdrawal, ignoring the 0x800000 label field, and writes that field back", () => {
    const withdraw: BgpMessage = {
      type: "update", withdrawn: [], nlri: [],
      attributes: [{ type: "mp-unreach", flags: 0x80, family: "vpnv4", withdrawn: [{ rd: { type: 2, asn: 4200000000, assigned: 9 }, prefix: { addr: ipv4(192, 168, 1, 0), len: 24 } }] }],
    };
    expect(parsed(UPDATE_VPNV4_WITHDRAW).message).toEqual(withdraw);
    expect(buildBgpMessage(withdraw, AS4)).toEqual(UPDATE_VPNV4_WITHDRAW);
    // An older speaker's withdrawal with the route's real label (bottom of stack) reads the same.
    const withLabel = UPDATE_VPNV4_WITHDRAW.slice();
    withLabel.set([0x00, 0x01, 0x01], 30);
    expect(parsed(withLabel).message).toEqual(withdraw);
  });

  it("leaves VPN-IPv4 NLRI packed when asked, validated and counted, for a reader to walk", () => {
    const packed = { fourOctetAs: true, packedVpnv4: true };
    const { message } = parsed(UPDATE_VPNV4, packed);
    const reach = message.type === "update" ? message.attributes[4] : undefined;
    if (reach?.type !== "mp-reach" || reach.family !== "vpnv4-packed") throw new Error(`not packed: ${JSON.stringify(reach)}`);
    expect([reach.nextHop, reach.nlri.count, [...reach.nlri.bytes]]).toEqual([ipv4(192, 0, 2, 1), 2, [...UPDATE_VPNV4.subarray(84)]]);
    expect(reach.nlri.bytes.buffer).toBe(UPDATE_VPNV4.buffer); // a view, not a copy
    const reader = new Vpnv4NlriReader();
    reader.reset(reach.nlri.bytes, 0, reach.nlri.bytes.length, false);
    const routes: string[] = [];
    while (reader.next()) routes.push(`${reader.label(0)} ${reader.rdLow()} ${reader.prefixAddr.toString(16)}/${reader.prefixLength}`);
    expect(routes).toEqual(["16 1 c0a80100/24", "17 65541 a000000/8"]);
    expect(buildBgpMessage(message, packed)).toEqual(UPDATE_VPNV4);
    const withdraw = parsed(UPDATE_VPNV4_WITHDRAW, packed).message;
    expect(withdraw.type === "update" && withdraw.attributes[0]).toMatchObject({ type: "mp-unreach", family: "vpnv4-packed", withdrawn: { count: 1 } });
    expect(buildBgpMessage(withdraw, packed)).toEqual(UPDATE_VPNV4_WITHDRAW);
    const tooLong = UPDATE_VPNV4.slice();
    tooLong[84] = 0xff;
    expect(failure(tooLong, packed).reason).toBe("VPN-IPv4 NLRI length at offset 84: 255 bits leave 167 for the IPv4 prefix after 1 label(s) and the RD");
  });

  it("reads a NOTIFICATION and names its code and subcode, unknown ones as Unknown(n)", () => {
    const { message } = parsed(NOTIFICATION);
    expect(message).toEqual({ type: "notification", code: 6, subcode: 2, data: Uint8Array.of(5, 0x62, 0x79, 0x65, 0x21, 0x21) });
    expect(buildBgpMessage(message, AS4)).toEqual(NOTIFICATION);
    expect([bgpErrorCodeName(6), bgpErrorSubcodeName(6, 2)]).toEqual(["Cease", "AdministrativeShutdown"]);
    expect([bgpErrorCodeName(3), bgpErrorSubcodeName(3, 11), bgpErrorSubcodeName(3, 0)]).toEqual(["UpdateMessage", "MalformedAsPath", "Unspecific"]);
    expect([bgpErrorCodeName(9), bgpErrorSubcodeName(4, 7), bgpErrorSubcodeName(3, 99)]).toEqual(["Unknown(9)", "Unknown(7)", "Unknown(99)"]);
  });

  it("reads a ROUTE-REFRESH for VPNv4 (RFC 2918)", () => {
    const { message } = parsed(ROUTE_REFRESH);
    expect(message).toEqual({ type: "route-refresh", afi: 1, safi: 128, subtype: 0 });
    expect(buildBgpMessage(message, AS4)).toEqual(ROUTE_REFRESH);
  });

  it("finds message boundaries in a stream and leaves bytes after a message alone", () => {
    const stream = Uint8Array.of(...KEEPALIVE, ...ROUTE_REFRESH);
    expect(bgpMessageLengthAt(stream, 0)).toBe(19);
    expect(bgpMessageLengthAt(stream, 19)).toBe(23);
    expect(bgpMessageLengthAt(stream, 30)).toBe(-1);
    expect(parsed(stream).length).toBe(19);
    expect(parsed(stream.subarray(19)).message.type).toBe("route-refresh");
  });

  it("knows an empty UPDATE as the IPv4 End-of-RIB (RFC 4724 §2)", () => {
    const { message } = parsed(msg(2, 0, 0, 0, 0));
    expect(message.type === "update" && isIpv4EndOfRib(message)).toBe(true);
    expect(message.type === "update" && isIpv4EndOfRib(UPDATE_IPV4_REPR as typeof message)).toBe(false);
  });
});

describe("BGP errors: NOTIFICATION to send and RFC 7606 action", () => {
  const resetOf = (bytes: Uint8Array, options = AS4) => {
    const e = failure(bytes, options);
    return [e.field, e.offset, e.action, e.code, e.subcode];
  };

  it("resets on a bad marker, length or type with Message Header Error and the RFC's data", () => {
    const badMarker = KEEPALIVE.slice();
    badMarker[3] = 0;
    expect(resetOf(badMarker)).toEqual(["marker", 3, "session-reset", 1, 1]);
    const long = msg(4);
    long.set([0x10, 0x01], 16);
    expect(resetOf(long)).toEqual(["length", 16, "session-reset", 1, 2]);
    expect(failure(long).data).toEqual(Uint8Array.of(0x10, 0x01));
    expect(resetOf(msg(4, 0))).toEqual(["length", 16, "session-reset", 1, 2]); // a 20-byte KEEPALIVE
    expect(resetOf(msg(9))).toEqual(["type", 18, "session-reset", 1, 3]);
    expect(failure(msg(9)).data).toEqual(Uint8Array.of(9));
    expect(resetOf(KEEPALIVE.subarray(0, 10))).toEqual(["header", 0, "session-reset", 1, 2]);
    expect(resetOf(msg(5, 0, 1, 0))).toEqual(["length", 16, "session-reset", 7, 1]); // RFC 7313 §5
  });

  it("resets on OPEN errors: version (data: 4 as 2 octets), hold time 1..2, parameter overruns", () => {
    const v3 = OPEN.slice();
    v3[19] = 3;
    expect(resetOf(v3)).toEqual(["version", 19, "session-reset", 2, 1]);
    expect(failure(v3).data).toEqual(Uint8Array.of(0, 4));
    const hold2 = OPEN.slice();
    hold2[23] = 2;
    expect(resetOf(hold2)).toEqual(["hold time", 22, "session-reset", 2, 6]);
    const badCap = OPEN.slice();
    badCap[40] = 3; // the MP capability in the second parameter says length 3
    expect(resetOf(badCap)[0]).toBe("multiprotocol capability length");
    const zeroId = OPEN.slice();
    zeroId.fill(0, 24, 28);
    expect(resetOf(zeroId)).toEqual(["BGP identifier", 24, "session-reset", 2, 3]);
    const badParams = OPEN.slice();
    badParams[28] = 29;
    expect(resetOf(badParams)).toEqual(["optional parameters length", 28, "session-reset", 2, 0]);
  });

  it("treats an invalid ORIGIN as a withdraw, sending the attribute as data", () => {
    const bad = UPDATE_IPV4.slice();
    bad[29] = 3; // ORIGIN value
    const result = parsed(bad, AS2);
    expect(result.faults.map((f) => [f.field, f.offset, f.action, f.code, f.subcode, f.attributeType, [...f.data]])).toEqual([
      ["origin", 26, "treat-as-withdraw", 3, BgpUpdateSubcode.InvalidOriginAttribute, 1, [0x40, 0x01, 0x01, 0x03]],
    ]);
    expect(bgpParseAction(result)).toBe("treat-as-withdraw");
    // The faulty attribute is left out; ORIGIN is not also reported missing.
    expect(result.message.type === "update" && result.message.attributes.map((a) => a.type)).toEqual(["as-path", "next-hop", "med", "communities"]);
  });

  it("treats wrong optional/transitive flags as malformed (RFC 7606 §3(c))", () => {
    const bad = UPDATE_IPV4.slice();
    bad[26] = 0xc0; // ORIGIN flagged optional transitive
    expect(parsed(bad, AS2).faults.map((f) => [f.field, f.action, f.subcode])).toEqual([["origin", "treat-as-withdraw", BgpUpdateSubcode.AttributeFlagsError]]);
  });

  it("discards a malformed ATOMIC_AGGREGATE or AGGREGATOR and a repeated attribute, keeping the rest", () => {
    const update = msg(2, 0, 0, 0, 21,
      0x40, 0x01, 0x01, 0x02,
      0x40, 0x06, 0x01, 0x00, // ATOMIC_AGGREGATE with a value byte
      0xc0, 0x07, 0x06, 0xfd, 0xe8, 10, 0, 0, 1, // a 2-octet AGGREGATOR on a 4-octet session
      0x40, 0x01, 0x01, 0x00, // ORIGIN again
    );
    const result = parsed(update);
    expect(result.faults.map((f) => [f.field, f.action, f.attributeType])).toEqual([
      ["atomic-aggregate", "attribute-discard", 6],
      ["aggregator", "attribute-discard", 7],
      ["origin", "attribute-discard", 1],
    ]);
    expect(result.message.type === "update" && result.message.attributes).toEqual([{ type: "origin", flags: 0x40, origin: 2 }]);
    expect(bgpParseAction(result)).toBe("attribute-discard");
    // On a 2-octet session the same AGGREGATOR is fine.
    expect(parsed(update, AS2).faults.map((f) => f.field)).toEqual(["atomic-aggregate", "origin"]);
  });

  it("treats an UPDATE announcing routes without NEXT_HOP as a withdraw (Missing Well-known Attribute)", () => {
    const bad = msg(2, 0, 0, 0, 13, 0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02, 0x02, 0xfd, 0xe9, 0xfd, 0xea, 0x08, 0x0a);
    const result = parsed(bad, AS2);
    expect(result.faults.map((f) => [f.field, f.action, f.subcode, [...f.data]])).toEqual([["next-hop", "treat-as-withdraw", BgpUpdateSubcode.MissingWellKnownAttribute, [3]]]);
    // A withdraw-only UPDATE needs no attributes at all.
    expect(parsed(msg(2, 0, 2, 0x08, 0x0a, 0, 0), AS2).faults).toEqual([]);
  });

  it("treats an attribute running past the attribute list as a withdraw and stops there", () => {
    const bad = UPDATE_IPV4.slice();
    bad[32] = 0x20; // AS_PATH length 32
    const result = parsed(bad, AS2);
    expect(result.faults.map((f) => [f.field, f.offset, f.action, f.subcode])).toEqual([["as-path length", 32, "treat-as-withdraw", BgpUpdateSubcode.AttributeLengthError]]);
  });

  it("keeps an unknown optional attribute and resets on an unknown well-known one", () => {
    const unknown = msg(2, 0, 0, 0, 6, 0xe0, 0x63, 0x03, 1, 2, 3);
    const { message } = parsed(unknown);
    expect(message).toEqual({ type: "update", withdrawn: [], nlri: [], attributes: [{ type: "unknown", flags: 0xe0, code: 99, value: Uint8Array.of(1, 2, 3) }] });
    expect(buildBgpMessage(message, AS4)).toEqual(unknown);
    const wellKnown = unknown.slice();
    wellKnown[23] = 0x40;
    expect(resetOf(wellKnown)).toEqual(["attribute 99", 23, "session-reset", 3, BgpUpdateSubcode.UnrecognizedWellKnownAttribute]);
  });

  it("resets on a malformed MP_REACH_NLRI, a repeated one, a bad prefix or overlong length fields", () => {
    const badNextHop = UPDATE_VPNV4.slice();
    badNextHop[70] = 0x04; // next hop length 4 for VPN-IPv4
    expect(resetOf(badNextHop)).toEqual(["mp-reach", 64, "session-reset", 3, BgpUpdateSubcode.OptionalAttributeError]);
    const tooLong = UPDATE_VPNV4.slice();
    tooLong[84] = 0xff; // 255 bits: 167 left for the prefix after a label and the RD
    expect(resetOf(tooLong)).toEqual(["mp-reach", 64, "session-reset", 3, BgpUpdateSubcode.OptionalAttributeError]);
    expect(failure(tooLong).reason).toBe("VPN-IPv4 NLRI length at offset 84: 255 bits leave 167 for the IPv4 prefix after 1 label(s) and the RD");
    const twice = msg(2, 0, 0, 0, 12, 0x80, 0x0f, 0x03, 0, 1, 1, 0x80, 0x0f, 0x03, 0, 1, 1);
    expect(resetOf(twice)).toEqual(["mp-unreach", 29, "session-reset", 3, BgpUpdateSubcode.MalformedAttributeList]);
    expect(resetOf(msg(2, 0, 0, 0, 0, 33, 10, 0, 0, 0, 0), AS2)).toEqual(["NLRI prefix length", 23, "session-reset", 3, BgpUpdateSubcode.InvalidNetworkField]);
    expect(resetOf(msg(2, 0, 2, 0x18, 0x0a, 0, 0), AS2)).toEqual(["withdrawn routes prefix", 21, "session-reset", 3, 1]);
    expect(resetOf(msg(2, 0, 9, 0, 0))).toEqual(["withdrawn routes length", 19, "session-reset", 3, 1]);
    expect(resetOf(msg(2, 0, 0, 0, 9))).toEqual(["total path attribute length", 21, "session-reset", 3, 1]);
  });

  it("refuses to emit what the session cannot carry: a 4-octet AS on a 2-octet session, more than 4096 bytes", () => {
    const as4Path: BgpMessage = { type: "update", withdrawn: [], nlri: [], attributes: [{ type: "as-path", segments: [{ type: AsPathSegmentType.AsSequence, asns: [4200000000] }] }] };
    expect(() => buildBgpMessage(as4Path, AS2)).toThrow(/AS 4200000000 needs 4 octets/);
    expect(buildBgpMessage(as4Path, AS4).length).toBe(23 + 3 + 6);
    const huge: BgpMessage = { type: "update", withdrawn: [], attributes: [], nlri: Array.from({ length: 1100 }, (_, i) => ({ addr: ipv4(10, i >> 8, i & 255, 0), len: 24 })) };
    expect(() => buildBgpMessage(huge, AS4)).toThrow(/exceeds 4096/);
  });

  it("says which code and action in its text", () => {
    expect(failure(msg(9)).toString()).toBe("bgp: type at offset 18: 9 is not a BGP message type (session-reset, NOTIFICATION MessageHeader/BadMessageType)");
  });
});

// ---- properties -------------------------------------------------------------------------

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbIpv4 = u32.map((n) => n as Ipv4);
const arbPrefix: fc.Arbitrary<Prefix> = fc.record({ addr: u32, len: fc.integer({ min: 0, max: 32 }) }).map(({ addr, len }) => ({
  addr: (len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0) as Ipv4, len,
}));
const arbRd: fc.Arbitrary<RouteDistinguisher> = fc.oneof(
  fc.record({ type: fc.constant(0 as const), asn: u16, assigned: u32 }),
  fc.record({ type: fc.constant(1 as const), ip: arbIpv4, assigned: u16 }),
  fc.record({ type: fc.constant(2 as const), asn: u32, assigned: u16 }),
  fc.record({ type: fc.integer({ min: 3, max: 0xffff }), value: fc.uint8Array({ minLength: 6, maxLength: 6 }) }),
);
const arbLabel = fc.integer({ min: 0, max: LABEL_MAX }).map((n) => n as Label);
const arbLabelledRoute = fc.record({ labels: fc.array(arbLabel, { minLength: 1, maxLength: 3 }), prefix: arbPrefix });
const arbVpnRoute = fc.record({ labels: fc.array(arbLabel, { minLength: 1, maxLength: 3 }), rd: arbRd, prefix: arbPrefix });
const arbExtCommunity: fc.Arbitrary<ExtendedCommunity> = fc.oneof(
  fc.record({ type: fc.constantFrom("route-target" as const, "route-origin" as const), format: fc.constant(0 as const), global: u16, local: u32 }),
  fc.record({ type: fc.constantFrom("route-target" as const, "route-origin" as const), format: fc.constantFrom(1 as const, 2 as const), global: u32, local: u16 }),
  fc.record({ type: fc.constant("other" as const), value: fc.uint8Array({ minLength: 8, maxLength: 8 }) }).filter(({ value }) => !(value[0] <= 2 && (value[1] === 2 || value[1] === 3))),
);

function arbAttributes(four: boolean): fc.Arbitrary<PathAttribute[]> {
  const asn = four ? u32 : u16;
  const segments = fc.array(fc.record({ type: fc.integer({ min: 1, max: 4 }), asns: fc.array(asn, { minLength: 1, maxLength: 6 }) }), { maxLength: 3 });
  const segments4 = fc.array(fc.record({ type: fc.integer({ min: 1, max: 4 }), asns: fc.array(u32, { minLength: 1, maxLength: 6 }) }), { maxLength: 3 });
  const attr: fc.Arbitrary<PathAttribute> = fc.oneof(
    fc.record({ type: fc.constant("origin" as const), origin: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ type: fc.constant("as-path" as const), segments }),
    fc.record({ type: fc.constant("next-hop" as const), nextHop: arbIpv4 }),
    fc.record({ type: fc.constant("med" as const), med: u32 }),
    fc.record({ type: fc.constant("local-pref" as const), localPref: u32 }),
    fc.record({ type: fc.constant("atomic-aggregate" as const) }),
    fc.record({ type: fc.constant("aggregator" as const), asn, address: arbIpv4 }),
    fc.record({ type: fc.constant("communities" as const), communities: fc.array(u32, { maxLength: 5 }) }),
    fc.record({ type: fc.constant("originator-id" as const), originatorId: arbIpv4 }),
    fc.record({ type: fc.constant("cluster-list" as const), clusterIds: fc.array(arbIpv4, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("extended-communities" as const), communities: fc.array(arbExtCommunity, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("as4-path" as const), segments: segments4 }),
    fc.record({ type: fc.constant("as4-aggregator" as const), asn: u32, address: arbIpv4 }),
    fc.record({ type: fc.constant("mp-reach" as const), family: fc.constant("ipv4-unicast" as const), nextHop: arbIpv4, nlri: fc.array(arbPrefix, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("mp-reach" as const), family: fc.constant("vpnv4" as const), nextHop: arbIpv4, nlri: fc.array(arbVpnRoute, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("mp-reach" as const), family: fc.constant("ipv4-labelled" as const), nextHop: arbIpv4, nlri: fc.array(arbLabelledRoute, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("mp-reach" as const), family: fc.constant("other" as const), afi: fc.constant(2), safi: u8, nextHop: fc.uint8Array({ maxLength: 32 }), nlri: fc.uint8Array({ maxLength: 20 }) }),
    fc.record({ type: fc.constant("mp-unreach" as const), family: fc.constant("ipv4-unicast" as const), withdrawn: fc.array(arbPrefix, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("mp-unreach" as const), family: fc.constant("vpnv4" as const), withdrawn: fc.array(fc.record({ rd: arbRd, prefix: arbPrefix }), { maxLength: 4 }) }),
    fc.record({ type: fc.constant("mp-unreach" as const), family: fc.constant("ipv4-labelled" as const), withdrawn: fc.array(arbPrefix, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("unknown" as const), flags: fc.constantFrom(0x80, 0xc0, 0xe0), code: fc.constantFrom(0, 11, 20, 32, 99, 255), value: fc.uint8Array({ maxLength: 300 }) }),
  );
  // Flags as the parser reports them: the usual bits, perhaps Partial and Extended Length.
  const withFlags = fc.tuple(attr, fc.boolean(), fc.boolean()).map(([a, partial, ext]): PathAttribute => {
    if (a.type === "unknown") return a;
    const flags = (defaultAttributeFlags(pathAttributeCode(a)) as number) | (partial ? BgpAttrFlag.Partial : 0) | (ext ? BgpAttrFlag.ExtendedLength : 0);
    return { ...a, flags };
  });
  return fc.uniqueArray(withFlags, { selector: pathAttributeCode, maxLength: 6 });
}

const arbCapability: fc.Arbitrary<BgpCapability> = fc.oneof(
  fc.record({ type: fc.constant("multiprotocol" as const), afi: u16, safi: u8 }),
  fc.constant({ type: "route-refresh" as const }),
  fc.constant({ type: "route-refresh-cisco" as const }),
  fc.record({ type: fc.constant("four-octet-as" as const), asn: u32 }),
  fc.record({ type: fc.constant("unknown" as const), code: u8.filter((c) => !Object.values(BgpCapabilityCode).includes(c as never)), data: fc.uint8Array({ maxLength: 8 }) }),
);
const arbParameter: fc.Arbitrary<BgpOptionalParameter> = fc.oneof(
  fc.record({ type: fc.constant("capabilities" as const), capabilities: fc.array(arbCapability, { maxLength: 4 }) }),
  fc.record({ type: fc.constant("unknown" as const), code: u8.filter((c) => c !== 2), data: fc.uint8Array({ maxLength: 8 }) }),
);

function arbMessage(four: boolean): fc.Arbitrary<BgpMessage> {
  return fc.oneof(
    fc.record({ type: fc.constant("open" as const), version: fc.constant(4), myAs: u16, holdTimeSec: u16.filter((h) => h !== 1 && h !== 2), bgpId: arbIpv4.filter((id) => id !== 0), parameters: fc.array(arbParameter, { maxLength: 4 }) }),
    fc.record({ type: fc.constant("update" as const), withdrawn: fc.array(arbPrefix, { maxLength: 5 }), attributes: arbAttributes(four), nlri: fc.array(arbPrefix, { maxLength: 5 }) }),
    fc.record({ type: fc.constant("notification" as const), code: u8, subcode: u8, data: fc.uint8Array({ maxLength: 20 }) }),
    fc.constant({ type: "keepalive" as const }),
    fc.record({ type: fc.constant("route-refresh" as const), afi: u16, safi: u8, subtype: u8 }),
  );
}

describe("BGP properties", () => {
  for (const options of [AS2, AS4]) {
    it(`round-trips every message through emit and parse (${options.fourOctetAs ? "4" : "2"}-octet AS)`, () => {
      fc.assert(
        fc.property(arbMessage(options.fourOctetAs), (message) => {
          const bytes = buildBgpMessage(message, options);
          const result = parsed(bytes, options);
          expect(result.message).toEqual(message);
          expect(result.length).toBe(bytes.length);
          // Only announcements lacking ORIGIN, AS_PATH or NEXT_HOP are faulted.
          expect(result.faults.every((f) => f.subcode === BgpUpdateSubcode.MissingWellKnownAttribute)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  }

  it("never throws on arbitrary bytes, truncations or mutations; every error names a NOTIFICATION", () => {
    const check = (bytes: Uint8Array, options: BgpCodecOptions) => {
      const result = parseBgpMessage(bytes, options);
      if (isWireError(result)) expect(result.code).toBeGreaterThanOrEqual(BgpErrorCode.MessageHeader);
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, four) => check(Uint8Array.of(...MARKER, ...bytes), { fourOctetAs: four })));
    fc.assert(
      fc.property(arbMessage(true), fc.nat(), fc.nat(), u8, fc.boolean(), fc.boolean(), (message, cut, at, value, four, packedVpnv4) => {
        const bytes = buildBgpMessage(message, AS4);
        check(bytes.subarray(0, cut % (bytes.length + 1)), { fourOctetAs: true, packedVpnv4 });
        if (at % bytes.length >= 16) bytes[at % bytes.length] = value; // keep the marker, reach the body
        check(bytes, { fourOctetAs: four, packedVpnv4 });
      }),
      { numRuns: 500 },
    );
  });

  it("reads route-target text as IOS does", () => {
    expect(parseRouteTarget("65000:1")).toEqual({ type: "route-target", format: 0, global: 65000, local: 1 });
    expect(parseRouteTarget("10.0.0.1:5")).toEqual({ type: "route-target", format: 1, global: ipv4(10, 0, 0, 1), local: 5 });
    expect(parseRouteTarget("4200000000:7")).toEqual({ type: "route-target", format: 2, global: 4200000000, local: 7 });
    expect(parseRouteTarget("4200000000:70000")).toBeUndefined();
    expect(parseRouteTarget("65000")).toBeUndefined();
  });
});

describe("BGP header helpers", () => {
  it("writes a header isBgpHeaderAt recognises, and buildBgpMessage writes the same one", () => {
    const keepalive = buildBgpMessage({ type: "keepalive" }, { fourOctetAs: true });
    const buf = new Uint8Array(25);
    writeBgpHeader(buf, 6, 19, 4);
    expect(buf.subarray(6)).toEqual(keepalive);
    expect(isBgpHeaderAt(buf, 6, 19, 4)).toBe(true);
    expect(isBgpHeaderAt(buf, 6, 19, 2)).toBe(false); // another type
    expect(isBgpHeaderAt(buf, 6, 20, 4)).toBe(false); // another length
    expect(isBgpHeaderAt(buf, 7, 19, 4)).toBe(false); // cut short
    expect(isBgpHeaderAt(buf, -1, 19, 4)).toBe(false);
    buf[10] = 0xfe;
    expect(isBgpHeaderAt(buf, 6, 19, 4)).toBe(false); // a marker byte not all ones
  });
});
