import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ipv4, type Ipv4 } from "./addr";
import { isWireError } from "./errors";
import { writeU32 } from "./bytes";
import {
  cfgIpv4,
  cfgIpv4Subnet,
  cfgIpv4Value,
  cfgText,
  cfgTextValue,
  ikeIdIpv4,
  ikeIdText,
  invalidKeData,
  invalidKeGroup,
  signatureHashAlgorithms,
  signatureHashAlgorithmsData,
} from "./ikev2-values";
import {
  AuthMethod,
  CertEncoding,
  CfgAttributeType,
  CfgType,
  DhGroup,
  IkeExchangeType,
  IkeIdType,
  IkePayloadType,
  IkeProtocolId,
  NotifyType,
  TransformType,
  TsType,
  ikeExchangeTypeName,
  notifyTypeName,
  transformIdName,
} from "./ikev2-registry";
import { IKE_MAX_CFG_ATTRIBUTES, type IkePayload, buildPayloadBody, type TrafficSelector, ikePayloadType, isKnownIkePayloadType } from "./ikev2-payloads";
import { IKE_PROPOSAL_AES256_SHA256_G14, ikeSaInitRequest } from "./testdata/ikev2-messages";
import { IKE_MAX_PROPOSALS, IKE_MAX_TRANSFORM_ATTRIBUTES, type IkeProposal, type TransformAttribute, transformKeyLength } from "./ikev2-sa";
import {
  IKE_HEADER_LENGTH,
  IKE_MAX_PAYLOADS,
  IkeCriticalPayloadError,
  buildIkeMessage,
  buildPayloadChain,
  buildSkPlaintext,
  buildSkfPlaintext,
  classifyUdp4500,
  emitIkeMessage,
  ikeEncryptedParts,
  parseIkeHeader,
  parseIkeMessage,
  parseReassembledChain,
  parseSkPlaintext,
  skfPlaintextPiece,
  stripNonEspMarker,
  withNonEspMarker,
  type IkeMessage,
  type IkeMessageRepr,
} from "./ikev2";

function parsed(bytes: Uint8Array): IkeMessage {
  const result = parseIkeMessage(bytes);
  if (isWireError(result)) throw new Error(result.toString());
  return result;
}

function errorAt(bytes: Uint8Array): [string, number] | "parsed" {
  const result = parseIkeMessage(bytes);
  return isWireError(result) ? [result.field, result.offset] : "parsed";
}

/** A message of `payloads` with a fixed header, for single-payload vectors. */
function message(payloads: IkePayload[], exchangeType: number = IkeExchangeType.INFORMATIONAL): IkeMessageRepr {
  return { initiatorSpi: 0x0102030405060708n, responderSpi: 0x1112131415161718n, exchangeType, initiator: true, response: false, messageId: 2, payloads };
}

/** The bytes after the 28-byte header and the 4-byte generic header of the only payload. */
function bodyOf(bytes: Uint8Array): number[] {
  return [...bytes.subarray(32)];
}

const fill = (n: number, byte: number) => new Array<number>(n).fill(byte);

describe("IKE_SA_INIT request, byte for byte (RFC 7296 §3.1-3.10)", () => {
  // Header: SPIi 0102030405060708, SPIr 0, next SA, version 2.0, IKE_SA_INIT, I flag, ID 0.
  // SA: one IKE proposal: AES-CBC-256, PRF-HMAC-SHA256, HMAC-SHA256-128, group 14.
  // KE group 14 (4 bytes of data, the format does not care), a 16-byte nonce, NAT-D source,
  // a vendor ID.
  const vector = Uint8Array.of(
    ...[1, 2, 3, 4, 5, 6, 7, 8], ...fill(8, 0), 33, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, 144,
    34, 0, 0, 48,
    0, 0, 0, 44, 1, 1, 0, 4,
    3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 0x01, 0x00,
    3, 0, 0, 8, 2, 0, 0, 5,
    3, 0, 0, 8, 3, 0, 0, 12,
    0, 0, 0, 8, 4, 0, 0, 14,
    40, 0, 0, 12, 0, 14, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd,
    41, 0, 0, 20, ...fill(16, 0x11),
    43, 0, 0, 28, 0, 0, 0x40, 0x04, ...fill(20, 0x22),
    0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef,
  );
  const repr: IkeMessageRepr = ikeSaInitRequest(0x0102030405060708n, [
    { kind: "sa", proposals: [IKE_PROPOSAL_AES256_SHA256_G14] },
    { kind: "ke", dhGroup: DhGroup.MODP_2048, data: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd) },
    { kind: "nonce", data: new Uint8Array(16).fill(0x11) },
    { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.NAT_DETECTION_SOURCE_IP, data: new Uint8Array(20).fill(0x22) },
    { kind: "vendor-id", data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) },
  ]);

  it("parses header, SA, KE, nonce, notify and vendor ID", () => {
    const m = parsed(vector);
    expect(m.repr).toEqual(repr);
    expect(m.raw).toBe(vector);
    const sa = m.repr.payloads[0];
    expect(sa.kind === "sa" && transformKeyLength(sa.proposals[0].transforms[0])).toBe(256);
  });

  it("emits it byte for byte", () => {
    expect(buildIkeMessage(repr)).toEqual(vector);
  });

  it("reads the header as sent", () => {
    expect(parseIkeHeader(vector)).toEqual({
      initiatorSpi: 0x0102030405060708n, responderSpi: 0n, nextPayload: 33, majorVersion: 2, minorVersion: 0,
      exchangeType: 34, flags: 0x08, messageId: 0, length: 144,
    });
  });

  it("emits at an offset inside a larger buffer", () => {
    const buf = new Uint8Array(150).fill(0xee);
    expect(emitIkeMessage(repr, buf, 3)).toBe(144);
    expect(buf.subarray(3, 147)).toEqual(vector);
    expect(() => emitIkeMessage(repr, new Uint8Array(143), 0)).toThrow(RangeError);
  });

  it("names numbers the way IOS logs print them, and unknown ones as Unknown(n)", () => {
    expect(ikeExchangeTypeName(34)).toBe("IKE_SA_INIT");
    expect(notifyTypeName(17)).toBe("INVALID_KE_PAYLOAD");
    expect(notifyTypeName(16430)).toBe("IKEV2_FRAGMENTATION_SUPPORTED");
    expect(notifyTypeName(40960)).toBe("Unknown(40960)");
    expect(transformIdName(TransformType.ENCR, 12)).toBe("ENCR_AES_CBC");
    expect(transformIdName(TransformType.DH, 19)).toBe("ECP_256");
    expect(transformIdName(9, 1)).toBe("Unknown(1)");
  });

  it("rejects a truncated header, a wrong major version and a length that is not the datagram's", () => {
    expect(errorAt(vector.subarray(0, 27))).toEqual(["header", 0]);
    const v1 = vector.slice();
    v1[17] = 0x10;
    expect(errorAt(v1)).toEqual(["major version", 17]);
    expect(errorAt(vector.subarray(0, 143))).toEqual(["length", 24]);
  });

  it("rejects a proposal whose transform count or last-substructure marks disagree with its transforms", () => {
    const count = vector.slice();
    count[39] = 5;
    expect(errorAt(count)).toEqual(["num transforms", 39]);
    const last = vector.slice();
    last[68] = 3; // the DH transform claims more follow
    expect(errorAt(last)).toEqual(["transform last substruc", 68]);
    const proposal = vector.slice();
    proposal[32] = 1;
    expect(errorAt(proposal)).toEqual(["proposal last substruc", 32]);
  });

  it("rejects a payload length running past the message, and bytes after the last payload", () => {
    const long = vector.slice();
    long[28 + 3] = 200;
    expect(errorAt(long)).toEqual(["payload length", 30]);
    const trailing = Uint8Array.of(...vector.subarray(0, 27), 148, ...vector.subarray(28), 0, 0, 0, 0);
    expect(errorAt(trailing)).toEqual(["next payload", 144]);
  });

  it("rejects a nonce shorter than 16 bytes", () => {
    const bytes = buildIkeMessage(message([{ kind: "vendor-id", data: new Uint8Array(0) }]));
    bytes[16] = IkePayloadType.Nonce;
    expect(errorAt(bytes)).toEqual(["nonce data", 32]);
  });
});

describe("IKEv2 payloads, each against its RFC 7296 layout", () => {
  it("IDi: ID type, three reserved bytes, identification data (§3.5)", () => {
    const bytes = buildIkeMessage(message([{ kind: "idi", idType: IkeIdType.ID_IPV4_ADDR, data: Uint8Array.of(172, 16, 0, 1) }]));
    expect([...bytes.subarray(28, 32)]).toEqual([0, 0, 0, 12]);
    expect(bodyOf(bytes)).toEqual([1, 0, 0, 0, 172, 16, 0, 1]);
    expect(bytes[16]).toBe(IkePayloadType.IDi);
    expect([...buildPayloadBody(parsed(bytes).repr.payloads[0])]).toEqual([1, 0, 0, 0, 172, 16, 0, 1]);
  });

  it("AUTH: method, three reserved bytes, authentication data (§3.8)", () => {
    const bytes = buildIkeMessage(message([{ kind: "auth", method: AuthMethod.SHARED_KEY_MIC, data: Uint8Array.of(9, 9) }]));
    expect(bodyOf(bytes)).toEqual([2, 0, 0, 0, 9, 9]);
  });

  it("CERT and CERTREQ: encoding then data (§3.6, §3.7)", () => {
    const bytes = buildIkeMessage(message([
      { kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: Uint8Array.of(0x30, 0x82) },
      { kind: "certreq", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(20).fill(7) },
    ]));
    expect([...bytes.subarray(28, 35)]).toEqual([IkePayloadType.CERTREQ, 0, 0, 7, 4, 0x30, 0x82]);
    expect([...bytes.subarray(35, 40)]).toEqual([0, 0, 0, 25, 4]);
  });

  it("Delete: protocol, SPI size, number of SPIs, SPIs (§3.11)", () => {
    const bytes = buildIkeMessage(message([{ kind: "delete", protocolId: IkeProtocolId.ESP, spiSize: 4, spis: [Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6, 7, 8)] }]));
    expect(bodyOf(bytes)).toEqual([3, 4, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
    const ike = buildIkeMessage(message([{ kind: "delete", protocolId: IkeProtocolId.IKE, spiSize: 0, spis: [] }]));
    expect(bodyOf(ike)).toEqual([1, 0, 0, 0]);
    const bad = bytes.slice();
    bad[35] = 3;
    expect(errorAt(bad)).toEqual(["num of SPIs", 34]);
  });

  it("Notify with an SPI: REKEY_SA for an ESP SA (§3.10)", () => {
    const bytes = buildIkeMessage(message([{ kind: "notify", protocolId: IkeProtocolId.ESP, spi: Uint8Array.of(0xc0, 0xff, 0xee, 1), notifyType: NotifyType.REKEY_SA, data: new Uint8Array(0) }]));
    expect(bodyOf(bytes)).toEqual([3, 4, 0x40, 0x09, 0xc0, 0xff, 0xee, 1]);
  });

  it("TSi: count, reserved, then a 16-byte IPv4 range selector (§3.13.1)", () => {
    const ts: TrafficSelector = { kind: "ipv4-range", ipProtocol: 47, startPort: 0, endPort: 65535, startAddress: ipv4(10, 0, 0, 1), endAddress: ipv4(10, 0, 0, 1) };
    const bytes = buildIkeMessage(message([{ kind: "tsi", selectors: [ts] }]));
    expect(bodyOf(bytes)).toEqual([1, 0, 0, 0, 7, 47, 0, 16, 0, 0, 0xff, 0xff, 10, 0, 0, 1, 10, 0, 0, 1]);
    const bad = bytes.slice();
    bad[39] = 20;
    expect(errorAt(bad)).toEqual(["selector length", 38]);
    const other = parsed(buildIkeMessage(message([{ kind: "tsr", selectors: [{ kind: "other", tsType: TsType.TS_IPV6_ADDR_RANGE, ipProtocol: 0, data: new Uint8Array(36) }] }])));
    expect(other.repr.payloads[0]).toMatchObject({ kind: "tsr", selectors: [{ kind: "other", tsType: 8 }] });
  });

  it("CP: CFG type, reserved, attributes with empty values in a request and addresses in a reply (§3.15)", () => {
    const request = buildIkeMessage(message([{ kind: "cp", cfgType: CfgType.CFG_REQUEST, attributes: [
      { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: new Uint8Array(0) },
      { type: 28674, value: new Uint8Array(0) }, // a Cisco private attribute
    ] }]));
    expect(bodyOf(request)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0x70, 0x02, 0, 0]);
    const reply = parsed(buildIkeMessage(message([{ kind: "cp", cfgType: CfgType.CFG_REPLY, attributes: [
      { type: CfgAttributeType.INTERNAL_IP4_ADDRESS, value: cfgIpv4Value(ipv4(10, 0, 0, 2)) },
      { type: CfgAttributeType.INTERNAL_IP4_SUBNET, value: cfgIpv4Value(ipv4(10, 0, 0, 0), ipv4(255, 255, 255, 0)) },
      { type: CfgAttributeType.APPLICATION_VERSION, value: cfgTextValue("Cisco IOS 15.9") },
      { type: 28674, value: Uint8Array.of(1, 2, 3) },
    ] }])));
    const cp = reply.repr.payloads[0];
    if (cp.kind !== "cp") throw new Error("not a CP payload");
    expect(cfgIpv4(cp.attributes[0].value)).toBe(ipv4(10, 0, 0, 2));
    expect(cfgIpv4(new Uint8Array(0))).toBeUndefined();
    expect(cfgIpv4Subnet(cp.attributes[1].value)).toEqual({ address: ipv4(10, 0, 0, 0), mask: ipv4(255, 255, 255, 0) });
    expect(cfgText(cp.attributes[2].value)).toBe("Cisco IOS 15.9");
    expect(cp.attributes[3]).toEqual({ type: 28674, value: Uint8Array.of(1, 2, 3) });
  });

  it("reads and writes the values inside ID and notify payloads", () => {
    expect(ikeIdIpv4(cfgIpv4Value(ipv4(172, 16, 0, 1)))).toBe(ipv4(172, 16, 0, 1));
    expect(ikeIdIpv4(Uint8Array.of(1, 2, 3))).toBeUndefined();
    expect(ikeIdText(cfgTextValue("hub.flexvpn.lab"))).toBe("hub.flexvpn.lab");
    expect([...invalidKeData(DhGroup.ECP_256)]).toEqual([0, 19]);
    expect(invalidKeGroup(Uint8Array.of(0, 14))).toBe(14);
    expect(invalidKeGroup(Uint8Array.of(14))).toBeUndefined();
    expect([...signatureHashAlgorithmsData([2, 3, 4])]).toEqual([0, 2, 0, 3, 0, 4]);
    expect(signatureHashAlgorithms(Uint8Array.of(0, 2, 0, 4))).toEqual([2, 4]);
    expect(signatureHashAlgorithms(Uint8Array.of(0, 2, 0))).toBeUndefined();
  });

  it("EAP stays opaque", () => {
    const bytes = buildIkeMessage(message([{ kind: "eap", data: Uint8Array.of(1, 0, 0, 5, 1) }]));
    expect(parsed(bytes).repr.payloads).toEqual([{ kind: "eap", data: Uint8Array.of(1, 0, 0, 5, 1) }]);
  });

  it("round-trips an unknown payload that is not critical", () => {
    const bytes = buildIkeMessage(message([{ kind: "unknown", payloadType: 200, data: Uint8Array.of(1, 2) }, { kind: "vendor-id", data: Uint8Array.of(3) }]));
    expect(parsed(bytes).repr.payloads).toEqual([{ kind: "unknown", payloadType: 200, data: Uint8Array.of(1, 2) }, { kind: "vendor-id", data: Uint8Array.of(3) }]);
  });

  it("rejects an unknown critical payload with the type UNSUPPORTED_CRITICAL_PAYLOAD reports", () => {
    const bytes = buildIkeMessage(message([{ kind: "vendor-id", data: Uint8Array.of(3) }, { kind: "unknown", payloadType: 200, data: Uint8Array.of(1, 2), critical: true }]));
    const err = parseIkeMessage(bytes);
    expect(err).toBeInstanceOf(IkeCriticalPayloadError);
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["critical", 34]);
    expect(err instanceof IkeCriticalPayloadError && err.payloadType).toBe(200);
  });

  it("keeps the critical bit on a payload it knows", () => {
    const bytes = buildIkeMessage(message([{ kind: "vendor-id", data: Uint8Array.of(3), critical: true }]));
    expect(bytes[29]).toBe(0x80);
    expect(parsed(bytes).repr.payloads).toEqual([{ kind: "vendor-id", data: Uint8Array.of(3), critical: true }]);
  });

  it("bounds payloads per message, attributes per transform and per CP payload, so hostile counts cost no more than their bytes", () => {
    const many = buildIkeMessage(message(Array.from({ length: IKE_MAX_PAYLOADS + 1 }, () => ({ kind: "vendor-id", data: new Uint8Array(0) }))));
    expect(errorAt(many)).toEqual(["next payload", 28 + IKE_MAX_PAYLOADS * 4]);
    const attributes: TransformAttribute[] = Array.from({ length: IKE_MAX_TRANSFORM_ATTRIBUTES + 1 }, () => ({ format: "tv", type: 14, value: 128 }));
    const sa = buildIkeMessage(message([{ kind: "sa", proposals: [{ number: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [{ type: 1, id: 12, attributes }] }] }]));
    expect(errorAt(sa)).toEqual(["transform attribute", 48 + IKE_MAX_TRANSFORM_ATTRIBUTES * 4]);
    const cp = buildIkeMessage(message([{ kind: "cp", cfgType: CfgType.CFG_REQUEST, attributes: Array.from({ length: IKE_MAX_CFG_ATTRIBUTES + 1 }, () => ({ type: 1, value: new Uint8Array(0) })) }]));
    expect(errorAt(cp)).toEqual(["configuration attribute", 36 + IKE_MAX_CFG_ATTRIBUTES * 4]);
  });

  it("bounds the proposals in one SA payload", () => {
    const proposal: IkeProposal = { number: 1, protocolId: 1, spi: new Uint8Array(0), transforms: [] };
    const bytes = buildIkeMessage(message([{ kind: "sa", proposals: Array.from({ length: IKE_MAX_PROPOSALS + 1 }, () => proposal) }]));
    expect(errorAt(bytes)).toEqual(["proposal", 32 + IKE_MAX_PROPOSALS * 8]);
  });
});

describe("SK and SKF encrypted payloads (RFC 7296 §3.14, RFC 7383 §2.5)", () => {
  // AES-CBC: 16-byte IV; HMAC-SHA256-128: 16-byte ICV. 32 bytes of ciphertext.
  const iv = new Uint8Array(16).fill(0x1a);
  const ciphertext = new Uint8Array(32).fill(0xc7);
  const icv = new Uint8Array(16).fill(0x5f);
  const data = Uint8Array.of(...iv, ...ciphertext, ...icv);
  const auth: IkeMessageRepr = { ...message([{ kind: "sk", innerNextPayload: IkePayloadType.IDi, data }], IkeExchangeType.IKE_AUTH), messageId: 1 };

  it("carries the first inner payload's type in its generic header and cuts into IV, ciphertext, ICV", () => {
    const bytes = buildIkeMessage(auth);
    expect([...bytes.subarray(16, 20)]).toEqual([IkePayloadType.SK, 0x20, 35, 0x08]);
    expect([...bytes.subarray(28, 32)]).toEqual([IkePayloadType.IDi, 0, 0, 68]);
    const parts = ikeEncryptedParts(parsed(bytes), 16, 16);
    if (isWireError(parts)) throw new Error(parts.toString());
    expect(parts.iv).toEqual(iv);
    expect(parts.ciphertext).toEqual(ciphertext);
    expect(parts.icv).toEqual(icv);
    expect(parts.associatedData).toEqual(bytes.subarray(0, 32));
    expect(parts.integrityCovered).toEqual(bytes.subarray(0, bytes.length - 16));
  });

  it("refuses a cut that does not fit, and a message with no encrypted payload", () => {
    const m = parsed(buildIkeMessage(auth));
    const err = ikeEncryptedParts(m, 16, 60);
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["encrypted payload", 32]);
    expect(isWireError(ikeEncryptedParts(parsed(buildIkeMessage(message([]))), 16, 16))).toBe(true);
  });

  it("must be the last payload", () => {
    expect(() => buildIkeMessage(message([{ kind: "sk", innerNextPayload: 0, data }, { kind: "vendor-id", data }]))).toThrow(RangeError);
    const bytes = buildIkeMessage(message([{ kind: "vendor-id", data: Uint8Array.of(1) }, { kind: "vendor-id", data: Uint8Array.of(2) }]));
    bytes[16] = IkePayloadType.SK; // the first payload now claims to be SK, with more after it
    expect(errorAt(bytes)).toEqual(["payload length", 30]);
  });

  it("SKF: fragment number and total before IV, ciphertext and ICV; only fragment 1 names the inner payload", () => {
    const first = buildIkeMessage(message([{ kind: "skf", innerNextPayload: IkePayloadType.IDi, fragmentNumber: 1, totalFragments: 3, data }], IkeExchangeType.IKE_AUTH));
    expect([...first.subarray(28, 36)]).toEqual([IkePayloadType.IDi, 0, 0, 72, 0, 1, 0, 3]);
    const parts = ikeEncryptedParts(parsed(first), 16, 16);
    if (isWireError(parts)) throw new Error(parts.toString());
    expect(parts.associatedData).toEqual(first.subarray(0, 36));
    const later = buildIkeMessage(message([{ kind: "skf", innerNextPayload: 0, fragmentNumber: 2, totalFragments: 3, data }]));
    later[28] = IkePayloadType.IDi;
    expect(errorAt(later)).toEqual(["next payload", 28]);
    const beyond = buildIkeMessage(message([{ kind: "skf", innerNextPayload: 0, fragmentNumber: 4, totalFragments: 3, data }]));
    expect(errorAt(beyond)).toEqual(["fragment number", 32]);
  });

  it("plaintext: the inner payloads, padding and pad length, a whole number of blocks", () => {
    const inner: IkePayload[] = [
      { kind: "idi", idType: IkeIdType.ID_FQDN, data: cfgTextValue("spoke1.lab") },
      { kind: "auth", method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32).fill(3) },
    ];
    const plain = buildSkPlaintext(inner, 16);
    expect(plain.length % 16).toBe(0);
    expect(plain[0]).toBe(IkePayloadType.AUTH);
    expect(parseSkPlaintext(plain, IkePayloadType.IDi)).toEqual(inner);
    const err = parseSkPlaintext(Uint8Array.of(0, 5), IkePayloadType.IDi);
    expect(isWireError(err) && err.field).toBe("pad length");
  });
});

describe("SKF plaintext: a fragmented message's payload chain in pieces (RFC 7383 §2.5.3)", () => {
  const inner: IkePayload[] = [
    { kind: "idi", idType: IkeIdType.ID_FQDN, data: cfgTextValue("spoke1.lab") },
    { kind: "cert", encoding: CertEncoding.X509_CERT_SIGNATURE, data: new Uint8Array(300).fill(0x30) },
    { kind: "auth", method: AuthMethod.RSA_DIGITAL_SIGNATURE, data: new Uint8Array(256).fill(7) },
  ];

  it("cuts the chain into pieces, pads each to the block size, and joins them back into the payloads", () => {
    const chain = buildPayloadChain(inner);
    expect(chain.length).toBe(4 + 4 + 10 + 4 + 1 + 300 + 4 + 4 + 256);
    const pieces = [chain.subarray(0, 200), chain.subarray(200, 400), chain.subarray(400)];
    const plains = pieces.map((p) => buildSkfPlaintext(p, 16));
    for (const plain of plains) expect(plain.length % 16).toBe(0);
    // Each fragment is padded alone: its last byte says how much of it is padding.
    expect(plains[0].length).toBe(208);
    expect(plains[0][207]).toBe(7);
    const back = plains.map((p) => skfPlaintextPiece(p));
    if (back.some(isWireError)) throw new Error("unpad failed");
    const joined = Uint8Array.from(back.flatMap((b) => [...(b as Uint8Array)]));
    expect(parseReassembledChain(joined, IkePayloadType.IDi)).toEqual(inner);
  });

  it("names the pad length when it runs past the fragment, and a piece cut short fails the chain's parse", () => {
    const err = skfPlaintextPiece(Uint8Array.of(1, 2, 9));
    expect(isWireError(err) && [err.field, err.offset]).toEqual(["pad length", 2]);
    expect(isWireError(skfPlaintextPiece(new Uint8Array(0)))).toBe(true);
    const chain = buildPayloadChain(inner);
    const short = parseReassembledChain(chain.subarray(0, chain.length - 10), IkePayloadType.IDi);
    expect(isWireError(short) && short.field).toBe("payload length");
  });
});

describe("UDP 4500: non-ESP marker and NAT-keepalive (RFC 3948 §2)", () => {
  it("tells IKE behind the marker from ESP and a keepalive", () => {
    const ike = withNonEspMarker(Uint8Array.of(1, 2, 3));
    expect([...ike]).toEqual([0, 0, 0, 0, 1, 2, 3]);
    expect(classifyUdp4500(ike)).toBe("ike");
    expect(stripNonEspMarker(ike)).toEqual(Uint8Array.of(1, 2, 3));
    expect(classifyUdp4500(Uint8Array.of(0, 0, 0x10, 1, 0, 0, 0, 1))).toBe("esp");
    expect(isWireError(stripNonEspMarker(Uint8Array.of(0, 0, 0x10, 1)))).toBe(true);
    expect(classifyUdp4500(Uint8Array.of(0xff))).toBe("keepalive");
    expect(isWireError(classifyUdp4500(Uint8Array.of(0, 0)))).toBe(true);
  });
});

// Arbitraries for every payload a parser can produce.
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (max = 24) => fc.uint8Array({ maxLength: max });
const critical = fc.option(fc.constant(true as const), { nil: undefined });
const arbAttribute: fc.Arbitrary<TransformAttribute> = fc.oneof(
  fc.record({ format: fc.constant("tv" as const), type: fc.integer({ min: 0, max: 0x7fff }), value: u16 }),
  fc.record({ format: fc.constant("tlv" as const), type: fc.integer({ min: 0, max: 0x7fff }), value: bytes(8) }),
);
const arbProposal: fc.Arbitrary<IkeProposal> = fc.record({
  number: u8,
  protocolId: u8,
  spi: fc.constantFrom(0, 4, 8).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  transforms: fc.array(fc.record({ type: u8, id: u16, attributes: fc.array(arbAttribute, { maxLength: 3 }) }), { maxLength: 5 }),
});
const arbIpv4 = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as Ipv4);
const arbSelector: fc.Arbitrary<TrafficSelector> = fc.oneof(
  fc.record({ kind: fc.constant("ipv4-range" as const), ipProtocol: u8, startPort: u16, endPort: u16, startAddress: arbIpv4, endAddress: arbIpv4 }),
  fc.record({ kind: fc.constant("other" as const), tsType: u8.filter((t) => t !== TsType.TS_IPV4_ADDR_RANGE), ipProtocol: u8, data: bytes(36) }),
);
const arbPlainBody: fc.Arbitrary<IkePayload> = fc.oneof(
  fc.record({ kind: fc.constant("sa" as const), proposals: fc.array(arbProposal, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("ke" as const), dhGroup: u16, data: bytes() }),
  fc.record({ kind: fc.constantFrom("idi" as const, "idr" as const), idType: u8, data: bytes() }),
  fc.record({ kind: fc.constantFrom("cert" as const, "certreq" as const), encoding: u8, data: bytes() }),
  fc.record({ kind: fc.constant("auth" as const), method: u8, data: bytes() }),
  fc.record({ kind: fc.constant("nonce" as const), data: fc.uint8Array({ minLength: 16, maxLength: 40 }) }),
  fc.record({ kind: fc.constant("notify" as const), protocolId: u8, spi: bytes(8), notifyType: u16, data: bytes() }),
  fc.constantFrom(0, 4, 8).chain((spiSize) =>
    fc.record({ kind: fc.constant("delete" as const), protocolId: u8, spiSize: fc.constant(spiSize), spis: spiSize === 0 ? fc.constant([]) : fc.array(fc.uint8Array({ minLength: spiSize, maxLength: spiSize }), { maxLength: 4 }) }),
  ),
  fc.record({ kind: fc.constant("vendor-id" as const), data: bytes() }),
  fc.record({ kind: fc.constantFrom("tsi" as const, "tsr" as const), selectors: fc.array(arbSelector, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant("cp" as const), cfgType: u8, attributes: fc.array(fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), value: bytes(8) }), { maxLength: 4 }) }),
  fc.record({ kind: fc.constant("eap" as const), data: bytes() }),
  fc.record({ kind: fc.constant("unknown" as const), payloadType: u8.filter((t) => t !== 0 && !isKnownIkePayloadType(t)), data: bytes() }),
);
/** Any payload but SK/SKF, the critical bit set on some known ones (never on unknown ones,
 * which would fail the message). */
const arbPlain: fc.Arbitrary<IkePayload> = arbPlainBody.chain((p): fc.Arbitrary<IkePayload> =>
  p.kind === "unknown" ? fc.constant(p) : critical.map((c) => (c ? { ...p, critical: c } : p)),
);
const arbEncrypted: fc.Arbitrary<IkePayload> = fc.oneof(
  fc.record({ kind: fc.constant("sk" as const), innerNextPayload: u8, data: bytes(48) }),
  fc.integer({ min: 1, max: 5 }).chain((total) =>
    fc.integer({ min: 1, max: total }).chain((fragmentNumber) =>
      fc.record({ kind: fc.constant("skf" as const), innerNextPayload: fragmentNumber === 1 ? u8 : fc.constant(0), fragmentNumber: fc.constant(fragmentNumber), totalFragments: fc.constant(total), data: bytes(48) }),
    ),
  ),
);
const arbMessage: fc.Arbitrary<IkeMessageRepr> = fc
  .record({
    initiatorSpi: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    responderSpi: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }),
    exchangeType: u8,
    initiator: fc.boolean(),
    response: fc.boolean(),
    higherVersion: fc.option(fc.constant(true), { nil: undefined }),
    minorVersion: fc.option(fc.integer({ min: 1, max: 15 }), { nil: undefined }),
    messageId: fc.integer({ min: 0, max: 0xffffffff }),
    plain: fc.array(arbPlain, { maxLength: 6 }),
    encrypted: fc.option(arbEncrypted, { nil: undefined }),
  })
  .map(({ plain, encrypted, ...header }) => ({ ...header, payloads: encrypted ? [...plain, encrypted] : plain }));

describe("IKEv2 properties", () => {
  it("round-trips any message through emit and parse", () => {
    fc.assert(
      fc.property(arbMessage, (repr) => {
        const bytes = buildIkeMessage(repr);
        expect(parsed(bytes).repr).toEqual(repr);
      }),
    );
  });

  it("round-trips any payload chain through SK plaintext, for any block size", () => {
    fc.assert(
      fc.property(fc.array(arbPlain, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 32 }), (payloads, blockSize) => {
        const plain = buildSkPlaintext(payloads, blockSize);
        expect(plain.length % blockSize).toBe(0);
        expect(parseSkPlaintext(plain, ikePayloadType(payloads[0]))).toEqual(payloads);
      }),
    );
  });

  it("round-trips any payload chain cut into any pieces, each padded alone (RFC 7383 fragments)", () => {
    fc.assert(
      fc.property(fc.array(arbPlain, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 32 }), (payloads, pieceLength, blockSize) => {
        const chain = buildPayloadChain(payloads);
        const joined: number[] = [];
        for (let at = 0; at < chain.length; at += pieceLength) {
          const plain = buildSkfPlaintext(chain.subarray(at, at + pieceLength), blockSize);
          expect(plain.length % blockSize).toBe(0);
          const piece = skfPlaintextPiece(plain);
          if (isWireError(piece)) throw new Error(piece.toString());
          joined.push(...piece);
        }
        expect(parseReassembledChain(Uint8Array.from(joined), ikePayloadType(payloads[0]))).toEqual(payloads);
      }),
    );
  });

  it("never throws on arbitrary bytes, truncations or mutations", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void parseIkeMessage(b)));
    fc.assert(
      fc.property(arbMessage, fc.nat(), fc.nat(), u8, (repr, cut, at, value) => {
        const b = buildIkeMessage(repr);
        parseIkeMessage(b.subarray(0, cut % (b.length + 1)));
        b[at % b.length] = value;
        parseIkeMessage(b);
        const cutShort = b.slice(0, Math.max(IKE_HEADER_LENGTH, cut % (b.length + 1)));
        writeU32(cutShort, 24, cutShort.length); // a truncation the header agrees with reaches the payload parsers
        parseIkeMessage(cutShort);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), u8, (b, first) => void parseSkPlaintext(b, first)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), u8, (b, first) => {
      const piece = skfPlaintextPiece(b);
      if (!isWireError(piece)) void parseReassembledChain(piece, first);
    }));
  });
});

