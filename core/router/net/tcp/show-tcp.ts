// `show tcp brief [all]`: the router's own TCP connections (BGP sessions, the HTTP server's
// clients), one line each in IOS's layout: TCB, local and foreign address.port, state in
// IOS's short names. `all` adds the listeners, their foreign end `*.*` (or `peer.*` when the
// listener takes one address). IOS's TCB column is the block's memory address; ours is the
// connection's number in the socket table, printed the same way, in eight hex digits.
import { formatIpv4 } from "../../wire/addr";
import type { TcpSockets } from "./sockets";
import type { TcpState } from "./tcb";

export interface TcpBriefRow {
  readonly tcb: string;
  /** "10.0.0.1.179". */
  readonly local: string;
  readonly foreign: string;
  /** IOS's name: ESTAB, SYNSENT, LISTEN… */
  readonly state: string;
}

const IOS_STATE: Record<TcpState, string> = {
  "SYN-SENT": "SYNSENT",
  "SYN-RECEIVED": "SYNRCVD",
  ESTABLISHED: "ESTAB",
  "FIN-WAIT-1": "FINWAIT1",
  "FIN-WAIT-2": "FINWAIT2",
  "CLOSE-WAIT": "CLOSEWAIT",
  CLOSING: "CLOSING",
  "LAST-ACK": "LASTACK",
  "TIME-WAIT": "TIMEWAIT",
  CLOSED: "CLOSED",
};

export function tcpBriefRows(tcp: TcpSockets, all: boolean): TcpBriefRow[] {
  const rows: TcpBriefRow[] = tcp
    .all()
    .map((c) => ({ id: tcp.tcbId(c), c }))
    .sort((a, b) => a.id - b.id)
    .map(({ id, c }) => {
      const e = c.endpoint;
      return { tcb: id.toString(16).toUpperCase().padStart(8, "0"), local: `${formatIpv4(e.localAddress)}.${e.localPort}`, foreign: `${formatIpv4(e.remoteAddress)}.${e.remotePort}`, state: IOS_STATE[c.state] };
    });
  if (all) {
    for (const l of tcp.allListeners()) {
      const o = l.options;
      // IOS prints no TCB address for a listener it keeps outside the TCB table.
      rows.push({ tcb: "--------", local: `${o.address === undefined ? "0.0.0.0" : formatIpv4(o.address)}.${o.port}`, foreign: "*.*", state: "LISTEN" });
    }
  }
  return rows;
}

export function formatTcpBrief(rows: readonly TcpBriefRow[]): string {
  const lines = ["TCB       Local Address               Foreign Address             (state)"];
  for (const r of rows) lines.push(`${r.tcb}  ${r.local.padEnd(26)} ${r.foreign.padEnd(26)} ${r.state}`);
  return lines.join("\n");
}
