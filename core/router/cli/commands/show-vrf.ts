// `show vrf` and `show vrf detail`, from the config model (RD, route targets, address
// families) and the data plane (which interfaces are in each VRF).
import { allRouteTargets, type VrfConfig } from "../../config/model/vrf";
import type { Router } from "../../node/router";
import { shortInterfaceName } from "./names";

function selected(router: Router, name: string | undefined): VrfConfig[] {
  return Object.values(router.running.vrfs)
    .filter((v) => name === undefined || v.name === name)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `show vrf`: Name at 2, Default RD at 35, Protocols at 57, Interfaces at 69. */
export function formatVrfBrief(router: Router, name?: string): string {
  const vrfs = selected(router, name);
  if (vrfs.length === 0) return "";
  const lines = ["  Name                             Default RD            Protocols   Interfaces"];
  for (const v of vrfs) {
    const protocols = v.style === "ip-vrf" || v.addressFamilies.ipv4 ? "ipv4" : "<not set>";
    const ifs = router.interfacesInVrf(v.name).map(shortInterfaceName);
    const head = `  ${v.name.padEnd(32)} ${(v.rd ?? "<not set>").padEnd(21)} ${protocols.padEnd(11)} `;
    lines.push((head + (ifs[0] ?? "")).trimEnd());
    for (const more of ifs.slice(1)) lines.push(" ".repeat(head.length) + more);
  }
  return lines.join("\n");
}

export function formatVrfDetail(router: Router, name?: string): string {
  const out: string[] = [];
  selected(router, name).forEach((v, index) => {
    const id = index + 1;
    const rt = allRouteTargets(v);
    out.push(`VRF ${v.name} (VRF Id = ${id}); default RD ${v.rd ?? "<not set>"}; default VPNID <not set>`);
    out.push(v.style === "definition" ? "  New CLI format, supports multiple address-families" : "  Old CLI format, supports IPv4 only");
    out.push("  Flags: 0x180C");
    const ifs = router.interfacesInVrf(v.name).map(shortInterfaceName);
    out.push(ifs.length ? "  Interfaces:" : "  No interfaces");
    if (ifs.length) out.push("    " + ifs.join(" "));
    out.push(`Address family ipv4 unicast (Table ID = 0x${id.toString(16)}):`);
    out.push("  Flags: 0x0");
    out.push(rt.export.length ? "  Export VPN route-target communities" : "  No Export VPN route-target communities");
    if (rt.export.length) out.push("    " + rt.export.map((t) => `RT:${t}`).join("  "));
    out.push(rt.import.length ? "  Import VPN route-target communities" : "  No Import VPN route-target communities");
    if (rt.import.length) out.push("    " + rt.import.map((t) => `RT:${t}`).join("  "));
    out.push("  No import route-map", "  No global export route-map", "  No export route-map");
    out.push("  VRF label distribution protocol: not configured", "  VRF label allocation mode: per-prefix");
    out.push("Address family ipv6 unicast not active", "Address family ipv4 multicast not active");
    out.push("");
  });
  return out.join("\n").trimEnd();
}
