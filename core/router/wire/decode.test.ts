import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DissectorRegistry, decodePacket, jsonReplacer, layerFieldLines, standardDissectors, summarizePacket } from "./decode";
import { EtherType } from "./ethernet";
import { GreProtocol, buildGre } from "./gre";
import { IpProtocol } from "./ipv4";
import { LinkType } from "./pcap";
import { ARPHRD_ETHER, SLL_PROTOCOL_802_2, buildGreDeviceSll, buildSll, buildSll2 } from "./sll";
import { NHRP_RESOLUTION_REPLY, SAMPLE_FRAMES, echoRequest, ethernet, ip } from "./testdata/frames";
import { ipv4 } from "./addr";
import { isWireError } from "./errors";
import { buildTcp, parseTcp } from "./tcp";
import { NhrpErrorCode, NhrpType, emitNhrp } from "./nhrp";

const line = (frame: Uint8Array, linkType: number = LinkType.Ethernet): string => summarizePacket(decodePacket(frame, linkType));

describe("decodePacket", () => {
  for (const sample of SAMPLE_FRAMES) {
    it(`decodes ${sample.name}: ${sample.summary}`, () => {
      const packet = decodePacket(sample.frame, LinkType.Ethernet);
      expect(packet.error).toBeUndefined();
      expect(summarizePacket(packet)).toBe(sample.summary);
    });
  }

  it("reads Linux cooked v1 and v2 and raw IP links to the same layers", () => {
    const packet = echoRequest();
    const address = Uint8Array.of(0xaa, 0xbb, 0xcc, 0, 1, 0);
    expect(line(buildSll({ packetType: 0, arphrdType: ARPHRD_ETHER, address, protocol: EtherType.Ipv4 }, packet), LinkType.LinuxSll)).toBe("Linux cooked / IPv4 / ICMP echo");
    expect(line(buildSll2({ packetType: 4, arphrdType: ARPHRD_ETHER, address, protocol: EtherType.Ipv4, interfaceIndex: 2 }, packet), LinkType.LinuxSll2)).toBe("Linux cooked v2 / IPv4 / ICMP echo");
    expect(line(packet, LinkType.Raw)).toBe("Raw IP / IPv4 / ICMP echo");
    expect(line(packet, LinkType.Ipv4)).toBe("IPv4 / ICMP echo");
    expect(line(Uint8Array.of(0x60, 0, 0, 0), LinkType.Raw)).toBe("Raw IP (undecoded)");
  });

  it("reads a cooked header's 802.2 protocol (4) as an 802.3 frame's LLC header: CDP from `tcpdump -i any`", () => {
    const cdp = SAMPLE_FRAMES.find((s) => s.summary.includes("/ CDP "));
    if (cdp === undefined) throw new Error("no CDP sample frame");
    const length = (cdp.frame[12] << 8) | cdp.frame[13];
    const llc = cdp.frame.subarray(14, 14 + length);
    const address = cdp.frame.subarray(6, 12);
    const want = cdp.summary.replace(/^Ethernet/, "Linux cooked");
    expect(line(buildSll({ packetType: 2, arphrdType: ARPHRD_ETHER, address, protocol: SLL_PROTOCOL_802_2 }, llc), LinkType.LinuxSll)).toBe(want);
    expect(line(buildSll2({ packetType: 2, arphrdType: ARPHRD_ETHER, address, protocol: SLL_PROTOCOL_802_2, interfaceIndex: 2 }, llc), LinkType.LinuxSll2)).toBe(want.replace("Linux cooked", "Linux cooked v2"));
  });

  it("reads a GRE device's cooked header (a tunnel capture) by GRE protocol type: NHRP is no EtherType", () => {
    expect(line(buildGreDeviceSll(NHRP_RESOLUTION_REPLY, GreProtocol.Nhrp, false), LinkType.LinuxSll)).toMatch(/^Linux cooked \/ NHRP Resolution Reply id 7 /);
    expect(line(buildGreDeviceSll(echoRequest(), GreProtocol.Ipv4, true), LinkType.LinuxSll)).toBe("Linux cooked / IPv4 / ICMP echo");
    // On an Ethernet device 0x2001 is an EtherType nobody registered.
    expect(line(buildSll({ packetType: 0, arphrdType: ARPHRD_ETHER, address: new Uint8Array(0), protocol: GreProtocol.Nhrp }, NHRP_RESOLUTION_REPLY), LinkType.LinuxSll)).toBe("Linux cooked (undecoded)");
  });

  it("marks the layer that fails with the parser's error and stops there", () => {
    const frame = SAMPLE_FRAMES.find((s) => s.name.startsWith("GRE carrying MPLS"))!.frame.slice();
    const innerChecksum = 14 + 20 + 4 + 8 + 10; // Ethernet, outer IPv4, GRE, two labels, then the checksum field
    frame[innerChecksum] ^= 0xff;
    const packet = decodePacket(frame, LinkType.Ethernet);
    expect(packet.error?.field).toBe("header checksum");
    expect(packet.layers.map((l) => l.summary)).toEqual(["Ethernet", "IPv4", "GRE", "MPLS 1000 16", "IPv4"]);
    expect(summarizePacket(packet)).toMatch(/^Ethernet \/ IPv4 \/ GRE \/ MPLS 1000 16 \/ IPv4 \[ipv4: header checksum at offset 10: 0x[0-9a-f]{4}, computed 0x[0-9a-f]{4}\]$/);
  });

  it("reports a truncated frame as the layer's truncation, not a crash", () => {
    const frame = SAMPLE_FRAMES[1].frame;
    expect(line(frame.subarray(0, 30))).toBe("Ethernet / IPv4 [ipv4: header at offset 0: truncated: need 20 bytes, have 16]");
    expect(line(frame.subarray(0, 5))).toBe("Ethernet [ethernet: header at offset 0: truncated: need 14 bytes, have 5]");
  });

  it("ends the line politely at a protocol it does not parse, which is not an error", () => {
    const lldp = ethernet(new Uint8Array(30), 0x88cc);
    const packet = decodePacket(lldp, LinkType.Ethernet);
    expect(packet.error).toBeUndefined();
    expect(packet.undecoded).toBe("EtherType 0x88cc");
    expect(summarizePacket(packet)).toBe("Ethernet (undecoded)");
    expect(line(new Uint8Array(10), 105)).toBe("link type 105 (undecoded)");
  });

  it("takes a new protocol with one registration, keyed by port", () => {
    const registry = standardDissectors().register("udp-port", 9, "Discard", (bytes) => ({ layer: { protocol: "Discard", summary: `Discard ${bytes.length}`, fields: {} } }));
    const discard = SAMPLE_FRAMES.find((s) => s.name.startsWith("GRE with checksum"))!.frame;
    expect(summarizePacket(decodePacket(discard, LinkType.Ethernet))).toBe("Ethernet / IPv4 / GRE key 42 / IPv4 / UDP 9 (undecoded)");
    expect(summarizePacket(decodePacket(discard, LinkType.Ethernet, registry))).toBe("Ethernet / IPv4 / GRE key 42 / IPv4 / UDP 9 / Discard 5");
    expect(summarizePacket(decodePacket(discard, LinkType.Ethernet, new DissectorRegistry()))).toBe("link type 1 (undecoded)");
  });

  it("gives a BGP message that fails to parse the parser's error, and leaves a segment cut mid-message undecoded", () => {
    const A = ipv4(10, 1, 1, 1);
    const B = ipv4(10, 2, 2, 2);
    /** The sample's TCP segment (after Ethernet and IPv4) with `data` instead of its own. */
    const withData = (frame: Uint8Array, data: Uint8Array): Uint8Array => {
      const tcp = parseTcp(frame.subarray(14 + 20), A, B);
      if (isWireError(tcp)) throw new Error(tcp.toString());
      return ip(A, B, IpProtocol.Tcp, buildTcp(tcp.repr, data, A, B));
    };
    const update = SAMPLE_FRAMES.find((s) => s.name.startsWith("BGP UPDATE"))!.frame;
    const bgp = update.slice(14 + 20 + 20);
    bgp[18] = 9; // message type
    const packet = decodePacket(withData(update, bgp), LinkType.Ipv4);
    expect(packet.error?.toString()).toBe("bgp: type at offset 18: 9 is not a BGP message type (session-reset, NOTIFICATION MessageHeader/BadMessageType)");
    const split = decodePacket(withData(update, update.subarray(14 + 20 + 20 + 10)), LinkType.Ipv4);
    expect(split.error).toBeUndefined();
    expect(summarizePacket(split)).toBe("IPv4 / TCP 179 / BGP (undecoded)");
    expect(split.undecoded).toBe("73 bytes of a BGP message split across segments");
  });

  it("stops a capture that nests GRE in GRE beyond 32 layers", () => {
    let packet = echoRequest();
    for (let i = 0; i < 40; i++) packet = ip(ipv4(192, 0, 2, 1), ipv4(192, 0, 2, 2), IpProtocol.Gre, buildGre({ protocol: GreProtocol.Ipv4, checksum: false }, packet));
    const decoded = decodePacket(packet, LinkType.Ipv4);
    expect(decoded.layers).toHaveLength(32);
    expect(decoded.undecoded).toBe("more than 32 layers");
  });

  it("lists every field of a layer, addresses as text, and renders bytes as hex for JSON", () => {
    const gre = decodePacket(SAMPLE_FRAMES.find((s) => s.name.startsWith("GRE with checksum"))!.frame, LinkType.Ethernet);
    expect(layerFieldLines(gre.layers[0])).toEqual([["dst", "aa:bb:cc:00:02:00"], ["src", "aa:bb:cc:00:01:00"], ["etherType", "0x0800"]]);
    expect(layerFieldLines(gre.layers[2])).toEqual([["protocol", "0x0800"], ["checksum", "true"], ["key", "42"], ["sequence", "7"]]);
    expect(Object.fromEntries(layerFieldLines(gre.layers[3]))).toMatchObject({ src: "10.1.1.1", dst: "10.2.2.2", ttl: "64", protocol: "17" });
    const mpls = decodePacket(SAMPLE_FRAMES.find((s) => s.name === "MPLS on Ethernet")!.frame, LinkType.Ethernet);
    expect(layerFieldLines(mpls.layers[1])).toEqual([["stack", "[{ label: 17, tc: 0, bottom: true, ttl: 254 }]"]]);
    expect(JSON.stringify({ b: Uint8Array.of(1, 0xab), n: 255n }, jsonReplacer)).toBe('{"b":"01ab","n":"0xff"}');
  });

  it("never throws: random bytes on every link type, and every sample with bytes flipped", () => {
    const linkTypes = [LinkType.Ethernet, LinkType.LinuxSll, LinkType.LinuxSll2, LinkType.Raw, LinkType.Ipv4];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...linkTypes), (bytes, linkType) => {
        expect(typeof summarizePacket(decodePacket(bytes, linkType))).toBe("string");
      }),
    );
    fc.assert(
      fc.property(fc.nat(SAMPLE_FRAMES.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (index, flips) => {
        const frame = SAMPLE_FRAMES[index].frame.slice();
        for (const [at, mask] of flips) frame[at % frame.length] ^= mask;
        const packet = decodePacket(frame, LinkType.Ethernet);
        expect(packet.layers.length).toBeGreaterThan(0);
        for (const layer of packet.layers) layerFieldLines(layer);
        JSON.stringify(packet.layers, jsonReplacer);
      }),
    );
  });
});

describe("decodePacket on NHRP (GRE protocol 0x2001)", () => {
  const sample = (name: string): Uint8Array => SAMPLE_FRAMES.find((s) => s.name === name)!.frame;
  const nhrpLayer = (frame: Uint8Array) => decodePacket(frame, LinkType.Ethernet).layers[3];

  it("shows a resolution reply's CIEs with their labels, the responder's as implicit-null, and its extensions", () => {
    const layer = nhrpLayer(sample("NHRP resolution reply with FlexLab's labels in GRE"));
    expect(layer.protocol).toBe("NHRP");
    const fields = Object.fromEntries(layerFieldLines(layer));
    expect(fields).toMatchObject({
      type: "Resolution Reply (2)",
      flags: "0xc802 (Q A S NAT)",
      requestId: "7",
      srcNbma: "172.16.1.103",
      srcProtocol: "10.1.1.3",
      dstProtocol: "192.168.114.1",
      cies: "[{ code: success (0), prefixLength: 24, nbma: 172.16.1.104, protocol: 10.1.1.4, holdingTimeSec: 600, mtu: 1514, preference: 0, label: Label: 40 }]",
      responder: "{ code: success (0), prefixLength: 32, nbma: 172.16.1.104, protocol: 10.1.1.4, holdingTimeSec: 600, mtu: 1514, preference: 0, label: implicit-null }",
      forwardTransit: "[]",
      reverseTransit: "[{ code: success (0), prefixLength: 32, nbma: 172.16.0.1, protocol: 10.0.0.1, holdingTimeSec: 600, mtu: 1514, preference: 0 }]",
      authentication: "SPI 1 (cleartext), 8 bytes",
      cieLabels: "[Label: 40, implicit-null]",
    });
    expect(fields.vrfLabel).toBeUndefined();
  });

  it("shows a redirect's VRF label, traffic code and the packet that set it off", () => {
    const fields = Object.fromEntries(layerFieldLines(nhrpLayer(sample("NHRP traffic indication (redirect) in GRE"))));
    expect(fields).toMatchObject({ trafficCode: "redirect (0)", srcNbma: "172.16.0.1", packet: "IPv4 192.168.113.1 > 192.168.114.1 ICMP", vrfLabel: "Label: 30" });
  });

  it("names an error indication's code and the packet it quotes, and lists other vendors' extensions", () => {
    const request = sample("NHRP resolution request in GRE").subarray(14 + 20 + 4);
    const error = emitNhrp({
      type: NhrpType.ErrorIndication, hopCount: 255, errorCode: NhrpErrorCode.ProtocolAddressUnreachable, errorOffset: 0,
      srcNbma: ipv4(172, 16, 0, 1), srcProtocol: ipv4(10, 0, 0, 1), dstProtocol: ipv4(10, 1, 1, 3), packet: request,
      extensions: { unknown: [{ type: 8, compulsory: false, data: Uint8Array.of(0, 0, 0x0c, 1) }] },
    });
    const packet = decodePacket(ip(ipv4(172, 16, 0, 1), ipv4(172, 16, 1, 103), IpProtocol.Gre, buildGre({ protocol: GreProtocol.Nhrp, checksum: false }, error)), LinkType.Ipv4);
    expect(summarizePacket(packet)).toBe("IPv4 / GRE / NHRP Error Indication protocol address unreachable (6) 10.0.0.1 > 10.1.1.3");
    expect(Object.fromEntries(layerFieldLines(packet.layers[2]))).toMatchObject({
      errorCode: "protocol address unreachable (6)",
      packet: "NHRP Resolution Request id 7 10.1.1.3 > 192.168.114.1 vrf label 30",
      otherExtensions: "[type 8, 4 bytes 00000c01]",
    });
  });

  it("gives a bad NHRP packet the codec's error", () => {
    const frame = sample("NHRP resolution request in GRE").slice();
    frame[14 + 20 + 4 + 40] ^= 0x01; // a byte of the CIE: the NHRP checksum no longer matches
    expect(decodePacket(frame, LinkType.Ethernet).error?.toString()).toBe("nhrp: ar$chksum at offset 12: does not match the packet");
  });
});
