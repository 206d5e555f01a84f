// `show vrf` and `show vrf detail`: rows from the config model (RD, route targets, address
// families) and the data plane (which interfaces are in each VRF), and IOS's text for them.
import type { VrfRow } from "../../api/tables";
import { allRouteTargets } from "../config/model/vrf";
import { shortInterfaceName } from "../net/interface-names";
import type { Router } from "./router";
import { byCharCode } from "../config/names";

/** The configured VRFs by name, or the one called `name`. */
export function vrfRows(router: Router, name?: string): VrfRow[] {
  return Object.values(router.running.vrfs)
    .filter((v) => name === undefined || v.name === name)
    .sort((a, b) => byCharCode(a.name, b.name))
    .map((v) => {
      const rt = allRouteTargets(v);
      return {
        name: v.name,
        id: router.stack.vrf(v.name)?.id ?? 0,
        style: v.style,
        protocols: v.style === "ip-vrf" || v.addressFamilies.ipv4 ? ["ipv4"] : [],
        rd: v.rd,
        importTargets: rt.import,
        exportTargets: rt.export,
        interfaces: router.interfacesInVrf(v.name),
      };
    });
}

/** `show vrf`: Name at 2, Default RD at 35, Protocols at 57, Interfaces at 69. */
export function formatVrfBrief(rows: readonly VrfRow[]): string {
  if (rows.length === 0) return "";
  const lines = ["  Name                             Default RD            Protocols   Interfaces"];
  for (const v of rows) {
    const protocols = v.protocols.length ? v.protocols.join(",") : "<not set>";
    const ifs = v.interfaces.map(shortInterfaceName);
    const head = `  ${v.name.padEnd(32)} ${(v.rd ?? "<not set>").padEnd(21)} ${protocols.padEnd(11)} `;
    lines.push((head + (ifs[0] ?? "")).trimEnd());
    for (const more of ifs.slice(1)) lines.push(" ".repeat(head.length) + more);
  }
  return lines.join("\n");
}

/** `show vrf detail`: each VRF with its id, as the data plane numbered it. */
export function formatVrfDetail(rows: readonly VrfRow[]): string {
  const out: string[] = [];
  rows.forEach((v) => {
    const id = v.id;
    out.push(`VRF ${v.name} (VRF Id = ${id}); default RD ${v.rd ?? "<not set>"}; default VPNID <not set>`);
    out.push(v.style === "definition" ? "  New CLI format, supports multiple address-families" : "  Old CLI format, supports IPv4 only");
    out.push("  Flags: 0x180C");
    const ifs = v.interfaces.map(shortInterfaceName);
    out.push(ifs.length ? "  Interfaces:" : "  No interfaces");
    if (ifs.length) out.push("    " + ifs.join(" "));
    out.push(`Address family ipv4 unicast (Table ID = 0x${id.toString(16)}):`);
    out.push("  Flags: 0x0");
    out.push(...targetLines(v));
    out.push("Address family ipv6 unicast not active", "Address family ipv4 multicast not active");
    out.push("");
  });
  return out.join("\n").trimEnd();
}

/** The route targets and the fixed lines after them, the same in both detail views. */
function targetLines(v: VrfRow): string[] {
  const out: string[] = [];
  out.push(v.exportTargets.length ? "  Export VPN route-target communities" : "  No Export VPN route-target communities");
  if (v.exportTargets.length) out.push("    " + v.exportTargets.map((t) => `RT:${t}`).join("  "));
  out.push(v.importTargets.length ? "  Import VPN route-target communities" : "  No Import VPN route-target communities");
  if (v.importTargets.length) out.push("    " + v.importTargets.map((t) => `RT:${t}`).join("  "));
  out.push("  No import route-map", "  No global export route-map", "  No export route-map");
  out.push("  VRF label distribution protocol: not configured", "  VRF label allocation mode: per-prefix");
  return out;
}

/** `show ip vrf [brief]`: Name at 2, Default RD at 35, Interfaces at 55, one per line. */
export function formatIpVrfBrief(rows: readonly VrfRow[]): string {
  if (rows.length === 0) return "";
  const lines = ["  Name                             Default RD          Interfaces"];
  for (const v of rows) {
    const ifs = v.interfaces.map(shortInterfaceName);
    const head = `  ${v.name.padEnd(32)} ${(v.rd ?? "<not set>").padEnd(19)} `;
    lines.push((head + (ifs[0] ?? "")).trimEnd());
    for (const more of ifs.slice(1)) lines.push(" ".repeat(head.length) + more);
  }
  return lines.join("\n");
}

/** `show ip vrf detail [NAME]`: the IPv4-only view, its table id on a line of its own.
 * IOS's internal Flags words are left out: our VRFs have no such bits to show. */
export function formatIpVrfDetail(rows: readonly VrfRow[]): string {
  const out: string[] = [];
  for (const v of rows) {
    out.push(`VRF ${v.name} (VRF Id = ${v.id}); default RD ${v.rd ?? "<not set>"}; default VPNID <not set>`);
    if (v.style === "definition") out.push("  New CLI format, supports multiple address-families");
    const ifs = v.interfaces.map(shortInterfaceName);
    out.push(ifs.length ? "  Interfaces:" : "  No interfaces");
    // Three names a line, each in a 24-character field.
    for (let i = 0; i < ifs.length; i += 3) out.push(("    " + ifs.slice(i, i + 3).map((n) => n.padEnd(24)).join("")).trimEnd());
    out.push(`VRF Table ID = ${v.id}`);
    out.push(...targetLines(v));
  }
  return out.join("\n");
}
