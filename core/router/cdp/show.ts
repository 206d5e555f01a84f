// CDP's exec commands in IOS 15's layouts: `show cdp`, `show cdp neighbors [INTERFACE]
// [detail]`, `show cdp entry {*|NAME} [protocol|version]`, `show cdp interface [INTERFACE]`,
// `show cdp traffic`, `clear cdp table` and `clear cdp counters`, and the "cdp-neighbors"
// table whose rows the neighbour views are formatted from. Each reaches the router's CDP
// instance through `cdpOf`, so this file does not import the subsystem that lists it.
import { TABLE_ROWS, type CdpNeighborRow } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import { CDP_CAPABILITIES, type CdpAddress } from "../wire/cdp";
import { hexBytes } from "../wire/bytes";
import type { EthernetInterface } from "../net/ethernet-port";
import { BOTH, PRIV, subsystemExec, type SubsystemExecCommand, type SubsystemHost, type TableEntry } from "../node/subsystem";
import type { CdpNeighbor } from "./neighbors";
import type { CdpInstance } from "./subsystem";

type CdpOf = (router: SubsystemHost) => CdpInstance;

const SHOW = "Show running system information";
const CDP_HELP = "CDP information";
export const CDP_NOT_ENABLED = "% CDP is not enabled";

const LEGEND = [
  "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
  "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone, ",
  "                  D - Remote, C - CVTA, M - Two-port Mac Relay ",
];
const HEADER = "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID";

/** CDP's short interface names: the first three letters, a space, the numbers ("Eth 0/0",
 * "Gig 1"); anything that does not look like an interface name is left alone. */
export function cdpShortName(name: string): string {
  const m = /^([A-Za-z-]{4,})(\d.*)$/.exec(name);
  return m === null ? name : `${m[1].slice(0, 3)} ${m[2]}`;
}

/** The Platform column: without a leading "cisco ", nine characters at most. */
function platformColumn(platform: string): string {
  return platform.replace(/^cisco /i, "").slice(0, 9);
}

function remainingSec(n: CdpNeighbor, nowMs: number): number {
  return Math.max(0, Math.ceil((n.expiresAtMs - nowMs) / 1000));
}

function addressTexts(list: readonly CdpAddress[]): string[] {
  return list.map((x) => (x.kind === "ipv4" ? formatIpv4(x.address) : `protocol 0x${hexBytes(x.protocol)} address ${hexBytes(x.address)}`));
}

/** The table's rows: what was heard, with the holdtime left at `nowMs`. */
export function cdpNeighborRows(neighbors: readonly CdpNeighbor[], nowMs: number): CdpNeighborRow[] {
  return neighbors.map((n) => {
    const a = n.advertisement;
    return {
      localInterface: n.localInterface,
      deviceId: n.deviceId,
      holdtimeSec: remainingSec(n, nowMs),
      capabilities: CDP_CAPABILITIES.filter((c) => ((a.capabilities ?? 0) & c.bit) !== 0).map((c) => c.word),
      platform: a.platform ?? "",
      portId: a.portId ?? "",
      addresses: addressTexts(a.addresses ?? []),
      ...(a.managementAddresses !== undefined ? { managementAddresses: addressTexts(a.managementAddresses) } : {}),
      version: a.version,
      softwareVersion: a.softwareVersion ?? "",
      ...(a.duplex !== undefined ? { duplex: a.duplex } : {}),
      ...(a.nativeVlan !== undefined ? { nativeVlan: a.nativeVlan } : {}),
      ...(a.vtpManagementDomain !== undefined ? { vtpManagementDomain: a.vtpManagementDomain } : {}),
    };
  });
}

/** The capability letters, centred on the column as IOS prints them: each letter after the
 * first moves the start one column left. */
function capabilityColumn(words: readonly string[]): string {
  const letters = CDP_CAPABILITIES.filter((c) => words.includes(c.word)).map((c) => c.letter);
  if (letters.length === 0) return " ".repeat(12);
  const text = letters.join(" ");
  const lead = Math.max(0, 8 - letters.length);
  return (" ".repeat(lead) + text).padEnd(12);
}

export function formatCdpNeighbors(rows: readonly CdpNeighborRow[]): string {
  const lines = [...LEGEND, "", HEADER];
  for (const n of rows) {
    const id = n.deviceId;
    const rest = `${cdpShortName(n.localInterface).padEnd(18)}${String(n.holdtimeSec).padEnd(11)}${capabilityColumn(n.capabilities)}${platformColumn(n.platform).padEnd(10)}${cdpShortName(n.portId)}`;
    if (id.length > 16) lines.push(id, " ".repeat(17) + rest);
    else lines.push(id.padEnd(17) + rest);
  }
  lines.push("", `Total cdp entries displayed : ${rows.length}`);
  return lines.join("\n");
}

function addressLines(list: readonly string[] | undefined): string[] {
  return (list ?? []).map((x) => (/^\d+\.\d+\.\d+\.\d+$/.test(x) ? `  IP address: ${x}` : `  ${x}`));
}

/** One neighbour as `show cdp neighbors detail` and `show cdp entry` print it. */
export function formatCdpEntry(a: CdpNeighborRow): string[] {
  const lines = [
    "-------------------------",
    `Device ID: ${a.deviceId}`,
    "Entry address(es): ",
    ...addressLines(a.addresses),
    `Platform: ${a.platform},  Capabilities: ${a.capabilities.map((w) => w + " ").join("")}`,
    `Interface: ${a.localInterface},  Port ID (outgoing port): ${a.portId}`,
    `Holdtime : ${a.holdtimeSec} sec`,
    "",
    "Version :",
    ...a.softwareVersion.split("\n"),
    "",
    `advertisement version: ${a.version}`,
  ];
  if (a.vtpManagementDomain !== undefined) lines.push(`VTP Management Domain: '${a.vtpManagementDomain}'`);
  if (a.nativeVlan !== undefined) lines.push(`Native VLAN: ${a.nativeVlan}`);
  if (a.duplex !== undefined) lines.push(`Duplex: ${a.duplex}`);
  if (a.managementAddresses !== undefined) lines.push("Management address(es): ", ...addressLines(a.managementAddresses));
  lines.push("");
  return lines;
}

export function formatCdpDetail(rows: readonly CdpNeighborRow[]): string {
  return [...rows.flatMap(formatCdpEntry), "", `Total cdp entries displayed : ${rows.length}`].join("\n");
}

/** The "cdp-neighbors" table: `args.detail` formats it as `show cdp neighbors detail`. */
export function cdpTable(cdpOf: CdpOf): TableEntry<"cdp-neighbors", SubsystemHost> {
  return {
    name: "cdp-neighbors",
    schema: TABLE_ROWS["cdp-neighbors"],
    rows: (router) => cdpNeighborRows(cdpOf(router).neighbors.all(), router.clock.now()),
    format: (rows, args) => (args?.detail ? formatCdpDetail(rows) : formatCdpNeighbors(rows)),
  };
}

function formatGlobal(cdp: CdpInstance): string {
  return [
    "Global CDP information:",
    `\tSending CDP packets every ${cdp.timerSecConfigured} seconds`,
    `\tSending a holdtime value of ${cdp.holdtimeSec} seconds`,
    `\tSending CDPv2 advertisements is ${cdp.advertiseV2 ? " enabled" : " not enabled"}`,
  ].join("\n");
}

function formatInterface(cdp: CdpInstance, i: EthernetInterface): string[] {
  return [`${i.name} is ${i.linkState}, line protocol is ${i.lineProtocolUp ? "up" : "down"}`, "  Encapsulation ARPA", `  Sending CDP packets every ${cdp.timerSecConfigured} seconds`, `  Holdtime is ${cdp.holdtimeSec} seconds`];
}

function formatTraffic(t: CdpInstance["traffic"]): string {
  return [
    "CDP counters :",
    `\tTotal packets output: ${t.output}, Input: ${t.input}`,
    `\tHdr syntax: ${t.hdrSyntax}, Chksum error: ${t.chksumError}, Encaps failed: ${t.encapsFailed}`,
    `\tNo memory: ${t.noMemory}, Invalid packet: ${t.invalid}, `,
    `\tCDP version 1 advertisements output: ${t.v1Output}, Input: ${t.v1Input}`,
    `\tCDP version 2 advertisements output: ${t.v2Output}, Input: ${t.v2Input}`,
  ].join("\n");
}

export function cdpExecCommands(cdpOf: CdpOf): SubsystemExecCommand[] {
  const table = cdpTable(cdpOf);
  /** The instance when CDP runs; otherwise prints IOS's refusal. */
  const running = (router: SubsystemHost, print: (t: string) => void): CdpInstance | undefined => {
    const cdp = cdpOf(router);
    if (cdp.running) return cdp;
    print(CDP_NOT_ENABLED);
    return undefined;
  };
  return [
    subsystemExec({
      id: "show.cdp",
      mode: BOTH,
      syntax: "show cdp",
      help: [SHOW, CDP_HELP],
      pipe: true,
      run: ({ router, print }) => {
        const cdp = running(router, print);
        if (cdp) print(formatGlobal(cdp));
      },
    }),
    subsystemExec({
      id: "show.cdp.neighbors",
      mode: BOTH,
      syntax: "show cdp neighbors [INTERFACE$name] [detail$detail]",
      help: [SHOW, CDP_HELP, "CDP neighbor entries", "Interface to use", "Show detailed information"],
      pipe: true,
      run: ({ router, args, print }) => {
        const cdp = running(router, print);
        if (!cdp) return;
        const name = args.optStr("name");
        const rows = table.rows(router).filter((n) => name === undefined || n.localInterface === name);
        print(table.format(rows, { detail: args.has("detail") }));
      },
    }),
    subsystemExec({
      id: "show.cdp.entry",
      mode: BOTH,
      syntax: "show cdp entry (*$all|WORD$name) [(protocol$protocol|version$version)]",
      help: [SHOW, CDP_HELP, "Information for specific neighbor entry", "all CDP neighbor entries", "Name of CDP neighbor entry", "Protocol information", "Version information"],
      pipe: true,
      run: ({ router, args, print }) => {
        const cdp = running(router, print);
        if (!cdp) return;
        const name = args.optStr("name");
        for (const n of table.rows(router).filter((r) => name === undefined || r.deviceId === name)) {
          if (args.has("protocol")) print([`Protocol information for ${n.deviceId} :`, ...addressLines(n.addresses)].join("\n"));
          else if (args.has("version")) print([`Version information for ${n.deviceId} :`, ...n.softwareVersion.split("\n").map((l) => "  " + l), ""].join("\n"));
          else print(formatCdpEntry(n).join("\n"));
        }
      },
    }),
    subsystemExec({
      id: "show.cdp.interface",
      mode: BOTH,
      syntax: "show cdp interface [INTERFACE$name]",
      help: [SHOW, CDP_HELP, "CDP interface status and configuration", "Interface to use"],
      pipe: true,
      run: ({ router, args, print }) => {
        const cdp = running(router, print);
        if (!cdp) return;
        const name = args.optStr("name");
        const all = cdp.interfaces();
        const list = all.filter((i) => name === undefined || i.name === name);
        const lines = list.flatMap((i) => formatInterface(cdp, i));
        if (name === undefined) {
          const up = all.filter((i) => i.lineProtocolUp).length;
          lines.push(` cdp enabled interfaces : ${all.length}`, ` interfaces up          : ${up}`, ` interfaces down        : ${all.length - up}`);
        }
        if (lines.length > 0) print(lines.join("\n"));
      },
    }),
    subsystemExec({
      id: "show.cdp.traffic",
      mode: BOTH,
      syntax: "show cdp traffic",
      help: [SHOW, CDP_HELP, "CDP statistics"],
      pipe: true,
      run: ({ router, print }) => {
        const cdp = running(router, print);
        if (cdp) print(formatTraffic(cdp.traffic));
      },
    }),
    subsystemExec({
      id: "clear.cdp.table",
      mode: PRIV,
      syntax: "clear cdp table",
      help: ["Reset functions", "Reset cdp information", "Clear cdp table"],
      run: ({ router }) => cdpOf(router).neighbors.clear(),
    }),
    subsystemExec({
      id: "clear.cdp.counters",
      mode: PRIV,
      syntax: "clear cdp counters",
      help: ["Reset functions", "Reset cdp information", "Clear cdp counters"],
      run: ({ router }) => {
        const t = cdpOf(router).traffic;
        for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] = 0;
      },
    }),
  ];
}
