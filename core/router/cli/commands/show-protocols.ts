// `show ip protocols [vrf X]`: the routing processes this router runs, from the running
// config (`router bgp`, its address family for the table asked about) and the BGP speaker's
// neighbors, with the gateways taken from the routing table (routing/show-protocols.ts).
import { bgpSubsystem } from "../../bgp/subsystem";
import type { BgpAfNeighbor } from "../../config/model/bgp";
import type { Router } from "../../node/router";
import { TABLES } from "../../node/tables";
import { AdminDistance } from "../../routing/route";
import { formatApplicationProtocol, formatBgpProtocol, formatIpProtocols, protocolSources, type ProtocolNeighbor } from "../../routing/show-protocols";
import { formatIpv4 } from "../../wire/addr";

export function ipProtocolsText(router: Router, vrf: string | undefined): string {
  const blocks: string[][] = [];
  // IOS lists the application source with the global table's processes only.
  if (vrf === undefined) blocks.push(formatApplicationProtocol());
  const bgp = router.running.bgp;
  const af = bgp?.addressFamilies[vrf === undefined ? "ipv4" : `ipv4 vrf ${vrf}`];
  if (bgp !== undefined && (vrf === undefined || af !== undefined)) {
    const neighbors: ProtocolNeighbor[] = router
      .subsystem(bgpSubsystem)
      .all()
      .filter((n) => n.plan.vrf === (vrf ?? ""))
      .map((n) => {
        // A neighbor's own lines in the family win over its peer-group's.
        const own: BgpAfNeighbor | undefined = n.plan.dynamic ? undefined : af?.neighbors[n.plan.id];
        const group: BgpAfNeighbor | undefined = n.plan.peerGroup === undefined ? undefined : af?.neighbors[n.plan.peerGroup];
        return {
          address: formatIpv4(n.plan.address),
          filterIn: own?.filterListIn ?? group?.filterListIn,
          filterOut: own?.filterListOut ?? group?.filterListOut,
          distributeIn: own?.distributeListIn ?? group?.distributeListIn,
          distributeOut: own?.distributeListOut ?? group?.distributeListOut,
          routeMapIn: own?.routeMapIn ?? group?.routeMapIn,
        };
      });
    const redistributing = (["connected", "static"] as const).filter((s) => af?.redistribute[s] !== undefined);
    blocks.push(
      formatBgpProtocol({
        asn: bgp.asn,
        synchronization: bgp.synchronization === true,
        autoSummary: bgp.autoSummary === true,
        redistributing,
        neighbors,
        maximumPaths: af?.maximumPaths ?? 1,
        sources: protocolSources(TABLES.routes.rows(router, { vrf: vrf ?? "" }), "bgp"),
        // Fixed in this router (no `distance bgp`); a locally originated path is never
        // installed as a BGP route, so "local" is IOS's default, which nothing here overrides.
        distance: { external: AdminDistance.ebgp, internal: AdminDistance.ibgp, local: AdminDistance.ibgp },
      }),
    );
  }
  return formatIpProtocols(blocks);
}
