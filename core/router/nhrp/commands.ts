// NHRP's show and clear commands and its tables: `show ip nhrp [vrf X] [detail]`, `show ip
// nhrp shortcut`, `show ip nhrp traffic`, `show dmvpn [detail]`, `clear ip nhrp [vrf X]`, and
// the "nhrp" / "nhrp-traffic" rows of the mgmt API. Each reaches the router's NHRP instance
// through `instanceOf`, so this file does not import the subsystem that lists it.
import { TABLE_ROWS } from "../../api/tables";
import { BOTH, PRIV, subsystemExec, type SubsystemExecCommand, type SubsystemHost, type TableEntry } from "../node/subsystem";
import type { NhsState } from "./registration";
import { formatNhrpBrief, formatNhrpNhs, formatNhrpRows, formatNhrpTrafficRows, formatShowDmvpn, nhrpRows, nhrpTrafficRows } from "./show";
import type { NhrpCacheEntry, NhrpInterfaceTraffic, NhrpPeer } from "./types";

/** What the commands need of a router's NHRP instance. */
export interface NhrpView {
  readonly cache: { all(): readonly NhrpCacheEntry[] };
  trafficRows(): NhrpInterfaceTraffic[];
  peers(): NhrpPeer[];
  nextHopServers(): NhsState[];
  clear(vrf?: string): void;
}

type InstanceOf = (router: SubsystemHost) => NhrpView;

export function nhrpTables(nhrpOf: InstanceOf): [TableEntry<"nhrp", SubsystemHost>, TableEntry<"nhrp-traffic", SubsystemHost>] {
  return [
    {
      name: "nhrp",
      schema: TABLE_ROWS["nhrp"],
      rows: (router, args) => nhrpRows(nhrpOf(router).cache.all().filter((e) => args?.vrf === undefined || e.vrf === args.vrf), router.clock.now()),
      format: (rows, args) => formatNhrpRows(rows, { detail: args?.detail ?? false }),
    },
    {
      name: "nhrp-traffic",
      schema: TABLE_ROWS["nhrp-traffic"],
      rows: (router) => nhrpTrafficRows(nhrpOf(router).trafficRows()),
      format: (rows) => formatNhrpTrafficRows(rows),
    },
  ];
}

const SHOW = "Show running system information";
const IP = "IP information";
const NHRP_HELP = "NHRP information";

function checkVrf(router: SubsystemHost, vrf: string | undefined, print: (t: string) => void): boolean {
  if (vrf !== undefined && router.stack.vrf(vrf) === undefined) {
    print(`% VRF ${vrf} does not exist`);
    return false;
  }
  return true;
}

export function nhrpExecCommands(nhrpOf: InstanceOf): SubsystemExecCommand[] {
  const [NHRP_TABLE, NHRP_TRAFFIC_TABLE] = nhrpTables(nhrpOf);
  return [
      subsystemExec({
        id: "show.ip.nhrp",
        mode: BOTH,
        syntax: "show ip nhrp [vrf WORD$vrf] [detail$detail]",
        help: [SHOW, IP, NHRP_HELP, "Show entries for a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name", "Detailed information"],
        pipe: true,
        run: ({ router, args, print }) => {
          const vrf = args.optStr("vrf");
          if (!checkVrf(router, vrf, print)) return;
          const tableArgs = { ...(vrf !== undefined ? { vrf } : {}), detail: args.has("detail") };
          print(NHRP_TABLE.format(NHRP_TABLE.rows(router, tableArgs), tableArgs));
        },
      }),
      subsystemExec({
        id: "show.ip.nhrp.shortcut",
        mode: BOTH,
        syntax: "show ip nhrp shortcut [detail$detail]",
        help: [SHOW, IP, NHRP_HELP, "Shortcut entries", "Detailed information"],
        pipe: true,
        run: ({ router, args, print }) => {
          print(formatNhrpRows(NHRP_TABLE.rows(router, {}), { detail: args.has("detail"), shortcutOnly: true }));
        },
      }),
      subsystemExec({
        id: "show.ip.nhrp.brief",
        mode: BOTH,
        syntax: "show ip nhrp brief",
        help: [SHOW, IP, NHRP_HELP, "Brief display"],
        pipe: true,
        run: ({ router, print }) => print(formatNhrpBrief(NHRP_TABLE.rows(router, {}))),
      }),
      subsystemExec({
        id: "show.ip.nhrp.nhs",
        mode: BOTH,
        syntax: "show ip nhrp nhs [detail$detail]",
        help: [SHOW, IP, NHRP_HELP, "Next Hop Server information", "Detailed information"],
        pipe: true,
        run: ({ router, args, print }) => print(formatNhrpNhs(nhrpOf(router).nextHopServers(), { detail: args.has("detail"), now: router.clock.now() })),
      }),
      subsystemExec({
        id: "show.ip.nhrp.traffic",
        mode: BOTH,
        syntax: "show ip nhrp traffic",
        help: [SHOW, IP, NHRP_HELP, "NHRP traffic statistics"],
        pipe: true,
        run: ({ router, print }) => print(NHRP_TRAFFIC_TABLE.format(NHRP_TRAFFIC_TABLE.rows(router, {}), {})),
      }),
      subsystemExec({
        id: "show.dmvpn",
        mode: BOTH,
        syntax: "show dmvpn [detail$detail]",
        help: [SHOW, "DMVPN information", "Detailed information"],
        pipe: true,
        run: ({ router, args, print }) => print(formatShowDmvpn(nhrpOf(router).peers(), { detail: args.has("detail"), now: router.clock.now() })),
      }),
      subsystemExec({
        id: "clear.ip.nhrp",
        mode: PRIV,
        syntax: "clear ip nhrp [vrf WORD$vrf]",
        help: ["Reset functions", IP, "Clear NHRP cache", "Clear entries for a VPN Routing/Forwarding instance", "VPN Routing/Forwarding instance name"],
        run: ({ router, args, print }) => {
          const vrf = args.optStr("vrf");
          if (!checkVrf(router, vrf, print)) return;
          nhrpOf(router).clear(vrf);
        },
      }),
  ];
}
