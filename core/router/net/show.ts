// Typed rows and IOS text for the data-plane `show` commands: `show ip arp [vrf X]` and
// `show ip interface brief`. The row types are core/api/tables.ts's (the mgmt API serves the
// same rows as JSON); the text is what the console prints.
import type { ArpRow, InterfaceRow } from "../../api/tables";
import { formatIpv4 } from "../wire/addr";
import type { Interface } from "./interface";

/** Pads to `width`, always leaving at least one space before the next column. */
function column(value: string, width: number): string {
  return value.length < width ? value.padEnd(width) : `${value} `;
}

/**
 * `show ip arp`: Protocol at 0, Address at 10, Age right-aligned to end at 35, Hardware Addr
 * at 38, Type at 54, Interface at 61. Incomplete entries show "Incomplete" and no interface.
 */
export function formatArpTable(rows: readonly ArpRow[]): string {
  const lines = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"];
  for (const r of rows) {
    const age = r.ageMinutes === undefined ? "-" : String(r.ageMinutes);
    const mac = r.mac ?? "Incomplete";
    const iface = r.mac === undefined ? "" : r.interface;
    lines.push(`${column(r.protocol, 10)}${column(r.address, 17)}${age.padStart(8)}   ${column(mac, 16)}${column(r.type, 7)}${iface}`.trimEnd());
  }
  return lines.join("\n");
}

/** How an interface's address was set (`show ip interface brief`'s Method column). */
export type AddressMethod = InterfaceRow["method"];

/**
 * Rows for `show ip interface brief`. `methodOf` says how each address was set (the config
 * layer knows whether it came from NVRAM); by default "manual", or "unset" with no address.
 */
export function interfaceBriefRows(interfaces: readonly Interface[], methodOf?: (iface: Interface) => AddressMethod): InterfaceRow[] {
  return withSubinterfacesUnderParents(interfaces.filter((i) => i.kind !== "null")).map((i) => {
    const address = i.sourceAddress;
    return {
      interface: i.name,
      ipAddress: address === undefined ? "unassigned" : formatIpv4(address),
      ok: "YES",
      // A DHCP client still waiting for an address says DHCP, as IOS shows it.
      method: address === undefined || i.unnumbered !== undefined ? (methodOf?.(i) === "DHCP" ? "DHCP" : "unset") : (methodOf?.(i) ?? "manual"),
      status: i.linkState,
      protocol: i.lineProtocolUp ? "up" : "down",
    };
  });
}

/** IOS lists a subinterface right after its main interface (and its lower-numbered
 * siblings), wherever it was created; other interfaces keep their order. */
function withSubinterfacesUnderParents(interfaces: readonly Interface[]): Interface[] {
  const subs = new Map<string, Interface[]>();
  const names = new Set(interfaces.map((i) => i.name));
  for (const i of interfaces) {
    const dot = i.name.indexOf(".");
    if (dot < 0 || !names.has(i.name.slice(0, dot))) continue;
    const parent = i.name.slice(0, dot);
    const list = subs.get(parent);
    if (list) list.push(i);
    else subs.set(parent, [i]);
  }
  const subNumber = (i: Interface): number => Number(i.name.slice(i.name.indexOf(".") + 1));
  const out: Interface[] = [];
  for (const i of interfaces) {
    const dot = i.name.indexOf(".");
    if (dot >= 0 && names.has(i.name.slice(0, dot))) continue;
    out.push(i);
    const children = subs.get(i.name);
    if (children) out.push(...children.sort((a, b) => subNumber(a) - subNumber(b)));
  }
  return out;
}

/** Columns at 0, 23, 39, 43, 50 and 72, as IOS prints them. */
export function formatInterfaceBrief(rows: readonly InterfaceRow[]): string {
  const lines = [`${column("Interface", 23)}${column("IP-Address", 16)}${column("OK?", 4)}${column("Method", 7)}${column("Status", 22)}Protocol`];
  for (const r of rows) {
    lines.push(`${column(r.interface, 23)}${column(r.ipAddress, 16)}${column(r.ok, 4)}${column(r.method, 7)}${column(r.status, 22)}${r.protocol}`);
  }
  return lines.join("\n");
}
