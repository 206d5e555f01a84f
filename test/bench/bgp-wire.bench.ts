// BGP message speed on the VPNv4 case that dominates a PE's inbound work: one UPDATE carrying
// 268 labelled VPN-IPv4 /24s (one label, RD 65000:n), ORIGIN, empty AS_PATH, LOCAL_PREF and
// a route target: 4089 bytes, as many routes as fit one 4096-byte message. Figures:
// - wire.bgp.update-vpnv4-268.parse: parseBgpMessage into reprs, one object per route;
// - wire.bgp.update-vpnv4-268.parse-packed: the allocation-light path (packedVpnv4), every
//   attribute validated, then a Vpnv4NlriReader reading each route's label, RD and prefix;
// - wire.bgp.update-vpnv4-268.emit: emitBgpMessage of the repr into a preallocated buffer.
import { ipv4, type Ipv4 } from "../../core/router/wire/addr";
import type { BgpCodecOptions } from "../../core/router/wire/bgp-attributes";
import { parseRouteTarget, type ExtendedCommunity } from "../../core/router/wire/bgp-communities";
import { Vpnv4NlriReader, type Vpnv4Route } from "../../core/router/wire/bgp-nlri";
import { bgpMessageLength, buildBgpMessage, emitBgpMessage, parseBgpMessage, type BgpMessage } from "../../core/router/wire/bgp";
import { isWireError } from "../../core/router/wire/errors";
import { toLabel } from "../../core/router/wire/mpls";
import { opsPerSecond, type Benchmark } from "./bench";

const ROUTES = 268;
const OPTIONS: BgpCodecOptions = { fourOctetAs: true };
const PACKED: BgpCodecOptions = { fourOctetAs: true, packedVpnv4: true };

const nlri: Vpnv4Route[] = Array.from({ length: ROUTES }, (_, i) => ({
  labels: [toLabel(16 + i)!],
  rd: { type: 0, asn: 65000, assigned: 1 + (i % 4) },
  prefix: { addr: ipv4(10, 100 + (i >> 8), i & 255, 0), len: 24 },
}));
const update: BgpMessage = {
  type: "update", withdrawn: [], nlri: [],
  attributes: [
    { type: "origin", origin: 0 },
    { type: "as-path", segments: [] },
    { type: "local-pref", localPref: 100 },
    { type: "extended-communities", communities: [parseRouteTarget("65000:1") as ExtendedCommunity] },
    { type: "mp-reach", family: "vpnv4", nextHop: ipv4(10, 0, 0, 1) as Ipv4, nlri },
  ],
};
const bytes = buildBgpMessage(update, OPTIONS);

/** Full parse: the routes as reprs. Returns the route count, checked by the caller. */
function parseFull(): number {
  const r = parseBgpMessage(bytes, OPTIONS);
  if (isWireError(r) || r.message.type !== "update") throw new Error(String(r));
  const reach = r.message.attributes[4];
  return reach.type === "mp-reach" && reach.family === "vpnv4" ? reach.nlri.length : -1;
}

const reader = new Vpnv4NlriReader();

/** Packed parse, then every route's fields read in place; returns a checksum of them. */
function parsePacked(): number {
  const r = parseBgpMessage(bytes, PACKED);
  if (isWireError(r) || r.message.type !== "update") throw new Error(String(r));
  const reach = r.message.attributes[4];
  if (reach.type !== "mp-reach" || reach.family !== "vpnv4-packed") throw new Error("not packed");
  reader.reset(reach.nlri.bytes, 0, reach.nlri.bytes.length, false);
  let sum = 0;
  while (reader.next()) sum += reader.label(0) + reader.rdLow() + reader.prefixAddr + reader.prefixLength;
  return sum;
}

const benchmarks: Benchmark[] = [
  {
    name: "wire.bgp.update-vpnv4-268.parse",
    run() {
      if (bytes.length !== 4089 || parseFull() !== ROUTES) throw new Error(`bad test message: ${bytes.length} bytes, ${parseFull()} routes`);
      const out = new Uint8Array(bgpMessageLength(update, OPTIONS));
      emitBgpMessage(update, out, 0, OPTIONS);
      if (out.some((b, i) => b !== bytes[i])) throw new Error("emit differs from build");
      let sink = 0;
      const parse = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) sink += parseFull();
      });
      const packed = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) sink += parsePacked();
      });
      const emit = opsPerSecond((n) => {
        for (let k = 0; k < n; k++) sink += emitBgpMessage(update, out, 0, OPTIONS);
      });
      if (sink < 0) throw new Error("unreachable");
      return [
        { name: "wire.bgp.update-vpnv4-268.parse", value: parse, unit: "updates/s" },
        { name: "wire.bgp.update-vpnv4-268.parse-packed", value: packed, unit: "updates/s" },
        { name: "wire.bgp.update-vpnv4-268.emit", value: emit, unit: "updates/s" },
      ];
    },
  },
];

export default benchmarks;
