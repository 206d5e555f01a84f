// The capture decoder's IKEv2 layers: IKE on UDP 500 ("IKEv2 IKE_SA_INIT request SA KE
// Nonce N N V", a fragment "IKEv2 IKE_AUTH response SKF(2/3)"), and UDP 4500's NAT traversal encapsulation (RFC 3948), which carries IKE
// behind a four-zero-byte non-ESP marker, ESP, or a one-byte NAT-keepalive. The NAT-T layer
// hands IKE on to the UDP 500 dissector and ESP to the IP protocol 50 one, through the
// registry, so each protocol is parsed in one place. Registered in decode.ts.

import type { Dissection, Dissector } from "./decode";
import { isWireError, type WireError } from "./errors";
import { IKE_PORT, NON_ESP_MARKER_LENGTH, classifyUdp4500, parseIkeMessage } from "./ikev2";
import { ikePayloadType } from "./ikev2-payloads";
import { ikeExchangeTypeName, ikePayloadTypeName } from "./ikev2-registry";
import { IpProtocol } from "./ipv4";

export const dissectIke: Dissector = (bytes): Dissection | WireError => {
  const m = parseIkeMessage(bytes);
  if (isWireError(m)) return m;
  const r = m.repr;
  const exchange = ikeExchangeTypeName(r.exchangeType);
  // A fragment (RFC 7383) says which one it is: "SKF(2/3)".
  const payloads = r.payloads.map((p) => (p.kind === "skf" ? `SKF(${p.fragmentNumber}/${p.totalFragments})` : ikePayloadTypeName(ikePayloadType(p))));
  const summary = `IKEv2 ${exchange} ${r.response ? "response" : "request"}${payloads.length ? ` ${payloads.join(" ")}` : ""}`;
  return { layer: { protocol: "IKEv2", summary, fields: { ...r, exchange, length: m.raw.length } } };
};

export const dissectUdpEncap: Dissector = (bytes): Dissection | WireError => {
  const kind = classifyUdp4500(bytes);
  if (isWireError(kind)) return kind;
  switch (kind) {
    case "keepalive":
      return { layer: { protocol: "NAT-T", summary: "NAT-T keepalive", fields: { kind } } };
    case "ike":
      return { layer: { protocol: "NAT-T", summary: "NAT-T", fields: { kind } }, next: { table: "udp-port", key: IKE_PORT, payload: bytes.subarray(NON_ESP_MARKER_LENGTH) } };
    case "esp":
      return { layer: { protocol: "NAT-T", summary: "NAT-T", fields: { kind } }, next: { table: "ip-protocol", key: IpProtocol.Esp, payload: bytes } };
  }
};
