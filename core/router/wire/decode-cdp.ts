// The decoder's 802.3 LLC/SNAP and CDP layers: an Ethernet frame whose type field is a
// length hands its LLC PDU here; SNAP with Cisco's OUI and protocol 0x2000 is CDP, shown as
// "CDP v2 R2 Ethernet0/0" (version, device ID, the port it was sent from).
import { formatIpv4 } from "./addr";
import { hex16, hexBytes, hexDigits } from "./bytes";
import { CDP_CAPABILITIES, parseCdp, type CdpAddress } from "./cdp";
import type { Dissector } from "./decode";
import { isWireError } from "./errors";
import { parseLlcSnap, snapKey } from "./llc";


export const dissectLlc: Dissector = (bytes) => {
  const p = parseLlcSnap(bytes);
  if (isWireError(p)) return p;
  const { oui, pid } = p.repr;
  return {
    layer: { protocol: "LLC", summary: "LLC SNAP", fields: { dsap: "0xaa", ssap: "0xaa", control: "0x03", oui: `0x${hexDigits(oui, 6)}`, pid: hex16(pid) } },
    next: { table: "snap", key: snapKey(oui, pid), payload: p.payload },
  };
};

function addressText(a: CdpAddress): string {
  return a.kind === "ipv4" ? formatIpv4(a.address) : `${a.protocolType}/${hexBytes(a.protocol)} ${hexBytes(a.address)}`;
}

export const dissectCdp: Dissector = (bytes) => {
  const r = parseCdp(bytes);
  if (isWireError(r)) return r;
  const capabilities = r.capabilities === undefined ? undefined : CDP_CAPABILITIES.filter((c) => (r.capabilities ?? 0) & c.bit).map((c) => c.word);
  const summary = ["CDP", `v${r.version}`, r.deviceId, r.portId].filter((x) => x !== undefined && x !== "").join(" ");
  return {
    layer: {
      protocol: "CDP",
      summary,
      fields: {
        version: r.version,
        ttlSec: r.ttlSec,
        deviceId: r.deviceId,
        addresses: r.addresses?.map(addressText),
        portId: r.portId,
        capabilities,
        softwareVersion: r.softwareVersion,
        platform: r.platform,
        vtpManagementDomain: r.vtpManagementDomain,
        nativeVlan: r.nativeVlan,
        duplex: r.duplex,
        managementAddresses: r.managementAddresses?.map(addressText),
        unknownTlvs: r.unknown.length === 0 ? undefined : r.unknown.map((t) => `${hex16(t.type)} ${hexBytes(t.value)}`),
      },
    },
  };
};
