// Packet-format speed on a 1400-byte Ethernet/IPv4/GRE/MPLS/IPv4/ICMP frame, two figures:
// - wire.gre-mpls.parse-emit: what a PE touches per packet on the FlexVPN overlay — a
//   validating parse of every header (both IPv4 header checksums verified) down to the ICMP
//   type, and emitting the whole header stack (checksums computed) in front of the payload;
// - wire.gre-mpls.parse-emit-full: the same plus the end host's work, verifying and computing
//   the ICMP checksum over the 1300-byte body.
import { ipv4, type Mac } from "../../core/router/wire/addr";
import { isWireError } from "../../core/router/wire/errors";
import { EtherType, buildEthernet, emitEthernet, parseEthernet, type EthernetRepr } from "../../core/router/wire/ethernet";
import { GreProtocol, buildGre, emitGre, parseGre, type GreRepr } from "../../core/router/wire/gre";
import { buildIcmp, emitIcmp, icmpType, parseIcmp, type IcmpRepr } from "../../core/router/wire/icmp";
import { IpProtocol, buildIpv4, emitIpv4, parseIpv4, type Ipv4Repr } from "../../core/router/wire/ipv4";
import { buildMpls, emitMpls, parseMpls, toLabel, type MplsRepr } from "../../core/router/wire/mpls";
import { opsPerSecond, type Benchmark } from "./bench";

const FRAME_BYTES = 1400;
const OUTER_HDR = 14 + 20 + 4 + 4; // Ethernet, IPv4, GRE, one label
const INNER_HDR = 20 + 8;
const data = new Uint8Array(FRAME_BYTES - OUTER_HDR - INNER_HDR).map((_, i) => i & 255);

const eth: EthernetRepr = { dst: 0xaabbcc000200 as Mac, src: 0xaabbcc000100 as Mac, etherType: EtherType.Ipv4 };
const outer: Ipv4Repr = {
  dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffsetBytes: 0,
  ttl: 255, protocol: IpProtocol.Gre, src: ipv4(172, 16, 1, 103), dst: ipv4(172, 16, 0, 1), payloadLength: FRAME_BYTES - 34,
};
const gre: GreRepr = { protocol: GreProtocol.MplsUnicast, checksum: false };
const mpls: MplsRepr = { stack: [{ label: toLabel(19)!, tc: 0, bottom: true, ttl: 254 }] };
const inner: Ipv4Repr = { ...outer, protocol: IpProtocol.Icmp, src: ipv4(192, 168, 113, 1), dst: ipv4(192, 168, 114, 1), ttl: 254, payloadLength: 8 + data.length };
const icmp: IcmpRepr = { kind: "echo-request", identifier: 1, sequenceNumber: 1, payloadLength: data.length };

const frame = buildEthernet(eth, buildIpv4(outer, buildGre(gre, buildMpls(mpls, buildIpv4(inner, buildIcmp(icmp, data))))));

/** Parses every header a router reads, down to the ICMP message it carries. */
function parseToIcmp(bytes: Uint8Array): Uint8Array {
  const e = parseEthernet(bytes);
  if (isWireError(e)) throw new Error(e.toString());
  const o = parseIpv4(e.payload);
  if (isWireError(o)) throw new Error(o.toString());
  const g = parseGre(o.payload);
  if (isWireError(g)) throw new Error(g.toString());
  const m = parseMpls(g.payload);
  if (isWireError(m)) throw new Error(m.toString());
  const i = parseIpv4(m.payload);
  if (isWireError(i)) throw new Error(i.toString());
  return i.payload;
}

/** The router's view: headers parsed, the ICMP type read, its body left alone. */
function parseHeaders(bytes: Uint8Array): number {
  return icmpType(parseToIcmp(bytes), 0);
}

/** Emits the header stack in front of an ICMP message already in `out`. */
function emitHeaders(out: Uint8Array): void {
  emitIpv4(inner, out, OUTER_HDR);
  emitMpls(mpls, out, 38);
  emitGre(gre, out, 34, FRAME_BYTES);
  emitIpv4(outer, out, 14);
  emitEthernet(eth, out, 0);
}

/** The end host's view: the ICMP message validated too, checksum over its body included. */
function parseStack(bytes: Uint8Array): number {
  const c = parseIcmp(parseToIcmp(bytes));
  if (isWireError(c)) throw new Error(c.toString());
  return c.repr.kind === "echo-request" ? c.repr.sequenceNumber : -1;
}

/** Emits the whole stack into `out`, innermost first so each checksum sees its payload. */
function emitStack(out: Uint8Array): void {
  const icmpAt = OUTER_HDR + 20;
  out.set(data, icmpAt + 8);
  emitIcmp(icmp, out, icmpAt);
  emitHeaders(out);
}

const benchmarks: Benchmark[] = [
  {
    name: "wire.gre-mpls.parse-emit",
    run() {
      const out = new Uint8Array(FRAME_BYTES);
      emitStack(out);
      if (out.length !== frame.length || out.some((b, i) => b !== frame[i])) throw new Error("emitted stack differs from the built frame");
      let sink = 0;
      const headers = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) {
          sink += parseHeaders(frame);
          emitHeaders(out);
        }
      });
      const full = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) {
          sink += parseStack(frame);
          emitStack(out);
        }
      });
      if (sink < 0) throw new Error("parse failed");
      return [
        { name: "wire.gre-mpls.parse-emit", value: headers, unit: "frames/s" },
        { name: "wire.gre-mpls.parse-emit-full", value: full, unit: "frames/s" },
      ];
    },
  },
];
export default benchmarks;
