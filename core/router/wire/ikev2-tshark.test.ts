// Wireshark as the independent judge of the IKEv2 formats: an IKE_SA_INIT exchange on UDP
// 500, then IKE_AUTH (one SK, one SKF fragment) and an INFORMATIONAL on UDP 4500 behind the
// non-ESP marker, and a NAT-keepalive, written as pcapng and decoded by tshark with no
// malformed packet or expert warning and the isakmp fields we wrote. Skipped where tshark
// is missing, like tshark.test.ts.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ipv4, type Ipv4, type Mac } from "./addr";
import { concatBytes } from "./bytes";
import { EtherType, buildEthernet } from "./ethernet";
import { IpProtocol, buildIpv4 } from "./ipv4";
import { IKE_NAT_T_PORT, IKE_PORT, NAT_KEEPALIVE, buildIkeMessage, withNonEspMarker, type IkeMessageRepr } from "./ikev2";
import { CertEncoding, CfgAttributeType, CfgType, DhGroup, IkeExchangeType, IkePayloadType, NotifyType } from "./ikev2-registry";
import type { IkePayload } from "./ikev2-payloads";
import { LINKTYPE_ETHERNET, PcapngWriter } from "./pcapng";
import { IKE_PROPOSAL_AES256_SHA256_G14 } from "./testdata/ikev2-messages";
import { HAS_TSHARK, PI_WARN, runTshark as run, tsharkFields } from "./testdata/tshark";
import { buildUdp } from "./udp";

const SPOKE_MAC = 0xaabbcc000300 as Mac;
const HUB_MAC = 0xaabbcc000100 as Mac;
const SPOKE = ipv4(172, 16, 1, 103);
const HUB = ipv4(172, 16, 0, 1);
const SPI_I = 0x8f3a5c2e11d04b77n;
const SPI_R = 0x2b6e90d1a4c3f085n;

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

function frame(src: Ipv4, dst: Ipv4, port: number, udpPayload: Uint8Array, toHub: boolean): Uint8Array {
  const udp = buildUdp({ srcPort: port, dstPort: port, payloadLength: udpPayload.length }, udpPayload, src, dst);
  const ip = buildIpv4({
    dscp: 0, ecn: 0, identification: 0x4242, dontFragment: false, moreFragments: false, fragmentOffsetBytes: 0,
    ttl: 255, protocol: IpProtocol.Udp, src, dst, payloadLength: udp.length,
  }, udp);
  return buildEthernet({ dst: toHub ? HUB_MAC : SPOKE_MAC, src: toHub ? SPOKE_MAC : HUB_MAC, etherType: EtherType.Ipv4 }, ip);
}

const natD = (type: number, seed: number): IkePayload => ({ kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: type, data: pattern(20, seed) });

function saInit(response: boolean): IkeMessageRepr {
  return {
    initiatorSpi: SPI_I, responderSpi: response ? SPI_R : 0n, exchangeType: IkeExchangeType.IKE_SA_INIT,
    initiator: !response, response, messageId: 0,
    payloads: [
      { kind: "sa", proposals: [IKE_PROPOSAL_AES256_SHA256_G14] },
      { kind: "ke", dhGroup: DhGroup.MODP_2048, data: pattern(256, response ? 7 : 3) },
      { kind: "nonce", data: pattern(32, response ? 11 : 5) },
      natD(NotifyType.NAT_DETECTION_SOURCE_IP, 1),
      natD(NotifyType.NAT_DETECTION_DESTINATION_IP, 2),
      ...(response ? [{ kind: "certreq", encoding: CertEncoding.X509_CERT_SIGNATURE, data: pattern(20, 9) } as const] : []),
      { kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.IKEV2_FRAGMENTATION_SUPPORTED, data: new Uint8Array(0) },
      { kind: "vendor-id", data: new TextEncoder().encode("FLEXVPN-SUPPORTED") },
    ],
  };
}

/** An encrypted exchange: AES-CBC IV (16), ciphertext, HMAC-SHA256-128 ICV (16), opaque. */
function encrypted(exchangeType: number, messageId: number, response: boolean, first: number, cipherLength: number, fragment?: { number: number; total: number }): IkeMessageRepr {
  const data = pattern(16 + cipherLength + 16, messageId * 17 + (response ? 1 : 0));
  const sk: IkePayload = fragment
    ? { kind: "skf", innerNextPayload: fragment.number === 1 ? first : 0, fragmentNumber: fragment.number, totalFragments: fragment.total, data }
    : { kind: "sk", innerNextPayload: first, data };
  return { initiatorSpi: SPI_I, responderSpi: SPI_R, exchangeType, initiator: !response, response, messageId, payloads: [sk] };
}

const FRAMES: { name: string; frame: Uint8Array }[] = [
  { name: "IKE_SA_INIT request", frame: frame(SPOKE, HUB, IKE_PORT, buildIkeMessage(saInit(false)), true) },
  { name: "IKE_SA_INIT response", frame: frame(HUB, SPOKE, IKE_PORT, buildIkeMessage(saInit(true)), false) },
  { name: "IKE_AUTH request (SK)", frame: frame(SPOKE, HUB, IKE_NAT_T_PORT, withNonEspMarker(buildIkeMessage(encrypted(IkeExchangeType.IKE_AUTH, 1, false, IkePayloadType.IDi, 320))), true) },
  { name: "IKE_AUTH response (SKF 1/2)", frame: frame(HUB, SPOKE, IKE_NAT_T_PORT, withNonEspMarker(buildIkeMessage(encrypted(IkeExchangeType.IKE_AUTH, 1, true, IkePayloadType.IDr, 480, { number: 1, total: 2 }))), false) },
  { name: "INFORMATIONAL request (SK)", frame: frame(SPOKE, HUB, IKE_NAT_T_PORT, withNonEspMarker(buildIkeMessage(encrypted(IkeExchangeType.INFORMATIONAL, 2, false, IkePayloadType.NONE, 16))), true) },
  { name: "NAT-keepalive", frame: frame(SPOKE, HUB, IKE_NAT_T_PORT, Uint8Array.of(NAT_KEEPALIVE), true) },
];

describe(HAS_TSHARK ? "tshark decodes a capture of IKEv2 messages" : "tshark decodes a capture of IKEv2 messages (skipped: tshark not installed)", () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `frames` once to a temp dir as `name`; returns its path. */
  function writeCapture(name = "ikev2.pcapng", frames = FRAMES): string {
    dir ??= mkdtempSync(join(tmpdir(), "flexlab-ikev2-tshark-"));
    const file = join(dir, name);
    if (existsSync(file)) return file;
    const chunks: Uint8Array[] = [];
    const writer = new PcapngWriter((chunk) => chunks.push(chunk));
    const iface = writer.addInterface("Ethernet0/0", LINKTYPE_ETHERNET);
    frames.forEach(({ frame: bytes, name: comment }, i) => writer.writePacket(iface, 1_764_300_000_000 + i * 10, bytes, comment));
    writeFileSync(file, concatBytes(chunks));
    return file;
  }

  function tshark(fields: string[], filter?: string): string[][] {
    return tsharkFields(writeCapture(), fields, filter);
  }

  it.skipIf(!HAS_TSHARK)("decodes IKE on UDP 500 and behind the non-ESP marker on UDP 4500", () => {
    expect(tshark(["frame.protocols"]).map(([p]) => p)).toEqual([
      "eth:ethertype:ip:udp:isakmp",
      "eth:ethertype:ip:udp:isakmp",
      "eth:ethertype:ip:udp:udpencap:isakmp",
      "eth:ethertype:ip:udp:udpencap:isakmp",
      "eth:ethertype:ip:udp:udpencap:isakmp",
      "eth:ethertype:ip:udp:udpencap",
    ]);
  });

  it.skipIf(!HAS_TSHARK)("finds no malformed packet and no expert warning or error", () => {
    expect(tshark(["frame.number"], `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`)).toEqual([]);
    for (const [number, severities, messages] of tshark(["frame.number", "_ws.expert.severity", "_ws.expert.message"])) {
      const worst = Math.max(0, ...severities.split(",").filter(Boolean).map(Number));
      expect(worst, `frame ${number}: ${messages}`).toBeLessThan(PI_WARN);
    }
  });

  it.skipIf(!HAS_TSHARK)("reads back the header: SPIs, version, exchange type, flags, message ID, length", () => {
    const rows = tshark(["isakmp.ispi", "isakmp.rspi", "isakmp.version", "isakmp.exchangetype", "isakmp.flags", "isakmp.messageid", "isakmp.length"], "isakmp.ispi");
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      ["8f3a5c2e11d04b77", "0000000000000000", "0x20", "34", "0x08", "0x00000000"],
      ["8f3a5c2e11d04b77", "2b6e90d1a4c3f085", "0x20", "34", "0x20", "0x00000000"],
      ["8f3a5c2e11d04b77", "2b6e90d1a4c3f085", "0x20", "35", "0x08", "0x00000001"],
      ["8f3a5c2e11d04b77", "2b6e90d1a4c3f085", "0x20", "35", "0x20", "0x00000001"],
      ["8f3a5c2e11d04b77", "2b6e90d1a4c3f085", "0x20", "37", "0x08", "0x00000002"],
    ]);
    expect(rows.map((r) => Number(r[6]))).toEqual(FRAMES.slice(0, 5).map((f, i) => f.frame.length - 14 - 20 - 8 - (i >= 2 ? 4 : 0)));
  });

  it.skipIf(!HAS_TSHARK)("reads back the IKE_SA_INIT payloads: transforms, key length, DH group, notify types, vendor ID", () => {
    const [request, response] = tshark([
      "isakmp.typepayload", "isakmp.tf.type", "isakmp.tf.id.encr", "isakmp.tf.id.prf", "isakmp.tf.id.integ", "isakmp.tf.id.dh",
      "isakmp.ike2.attr.key_length", "isakmp.key_exchange.dh_group", "isakmp.notify.msgtype", "isakmp.vid_bytes", "isakmp.nonce",
    ], "isakmp.exchangetype == 34");
    expect(request.slice(0, 10)).toEqual([
      // Payloads, with the proposal (2) and its transforms (3) the SA payload holds.
      "33,2,3,3,3,3,34,40,41,41,41,43", "1,2,3,4", "12", "5", "12", "14", "256", "14",
      "16388,16389,16430", Buffer.from("FLEXVPN-SUPPORTED").toString("hex"),
    ]);
    expect(request[10]).toBe(Buffer.from(pattern(32, 5)).toString("hex"));
    expect(response[0]).toBe("33,2,3,3,3,3,34,40,41,41,38,41,43");
  });

  it.skipIf(!HAS_TSHARK)("reads back the encrypted payloads: SK's first inner payload, SKF's fragment number and total", () => {
    const rows = tshark(["isakmp.typepayload", "isakmp.nextpayload", "isakmp.frag.number", "isakmp.frag.total"], "isakmp.exchangetype >= 35");
    expect(rows).toEqual([
      ["46", "46,35", "", ""],
      ["53", "53,36", "1", "2"],
      ["46", "46,0", "", ""],
    ]);
  });

  it.skipIf(!HAS_TSHARK)("names every notify type and configuration attribute as Wireshark does", () => {
    // REDIRECT and REDIRECTED_FROM carry a gateway identity (RFC 5685 §8): type IPv4, length 4.
    const gateway = Uint8Array.of(1, 4, 172, 16, 0, 2);
    const notifies: IkePayload[] = Object.values(NotifyType).map((notifyType) => ({
      kind: "notify", protocolId: 0, spi: new Uint8Array(0), notifyType,
      data: notifyType === NotifyType.REDIRECT || notifyType === NotifyType.REDIRECTED_FROM ? gateway : new Uint8Array(0),
    }));
    const cp: IkePayload = { kind: "cp", cfgType: CfgType.CFG_REQUEST, attributes: Object.values(CfgAttributeType).map((type) => ({ type, value: new Uint8Array(0) })) };
    const names = (payloads: IkePayload[]) => buildIkeMessage({ initiatorSpi: SPI_I, responderSpi: SPI_R, exchangeType: IkeExchangeType.INFORMATIONAL, initiator: true, response: false, messageId: 9, payloads });
    const file = writeCapture("names.pcapng", [
      { name: "every notify type", frame: frame(SPOKE, HUB, IKE_PORT, names(notifies), true) },
      { name: "every configuration attribute", frame: frame(SPOKE, HUB, IKE_PORT, names([cp]), true) },
    ]);
    expect(run(["-r", file, "-Y", `_ws.malformed || _ws.expert.severity >= ${PI_WARN}`, "-T", "fields", "-e", "frame.number"])).toBe("");
    const text = run(["-r", file, "-V"]);
    const seen = (pattern: RegExp) => [...text.matchAll(pattern)].map((m) => `${m[1]}=${m[2]}`);
    expect(seen(/Notify Message Type: (\S+) \((\d+)\)/g)).toEqual(Object.entries(NotifyType).map(([name, n]) => `${name}=${n}`));
    expect(seen(/ Type: (INTERNAL_IP\S+|APPLICATION_VERSION|SUPPORTED_ATTRIBUTES) \((\d+)\)/g)).toEqual(Object.entries(CfgAttributeType).map(([name, n]) => `${name}=${n}`));
  });
});
