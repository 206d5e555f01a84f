import { describe, expect, it } from "vitest";
import type { MplsForwardingRow } from "../../api/tables";
import { mplsForwardingRowSchema } from "../../api/tables";
import { parseIpv4, parsePrefix, type Ipv4 } from "../wire/addr";
import type { Label } from "../wire/mpls";
import { Lfib } from "./lfib";
import { formatMplsForwardingTable, mplsForwardingRows, type LfibView } from "./show";

interface V { name: string; routes: Map<string, { interface: I; nextHop: Ipv4 | undefined }> }
interface I { name: string; p2p: boolean }
const GI1: I = { name: "GigabitEthernet1", p2p: false };
const TU0: I = { name: "Tunnel0", p2p: true };
const ET0: I = { name: "Ethernet0/0", p2p: false };
const ip = (t: string) => parseIpv4(t)!;
const short = (n: string) => n.replace("GigabitEthernet", "Gi").replace("Ethernet", "Et").replace("Tunnel", "Tu");

const VIEW: LfibView<V, I> = {
  vrfName: (v) => v.name,
  interfaceName: (i) => i.name,
  pointToPoint: (i) => i.p2p,
  linkHeaderBytes: (i) => (i.p2p ? 24 : 14),
  mtuBytes: () => 1500,
  vrfPath: (v, p) => v.routes.get(`${p.addr}/${p.len}`),
};

const row = (r: Partial<MplsForwardingRow>): MplsForwardingRow => ({ outgoingLabel: "No Label", vrf: "", aggregate: false, bytesSwitched: 0, labelStack: [], ...r });

describe("show mpls forwarding-table", () => {
  it("prints IOS's columns, the [V] suffix, the continuation line and aggregate/VRF", () => {
    const text = formatMplsForwardingTable(
      [
        row({ outgoingLabel: 406, prefix: "172.16.67.0/24", vrf: "cust1", interface: "GigabitEthernet1", nextHop: "192.168.13.1", labelStack: [406] }),
        row({ localLabel: 21, prefix: "121.1.1.0/24", vrf: "vrf3001", aggregate: true, bytesSwitched: 10980 }),
      ],
      false,
      short,
    );
    // reference/ios-output.md §1, character for character.
    expect(text).toBe(
      [
        "Local      Outgoing   Prefix           Bytes Label   Outgoing   Next Hop",
        "Label      Label      or Tunnel Id     Switched      interface",
        "None       406        172.16.67.0/24[V]   \\",
        "                                       0             Gi1        192.168.13.1",
        "21         No Label   121.1.1.0/24[V]  10980         aggregate/vrf3001",
      ].join("\n"),
    );
  });

  it("builds rows for disposition, swap and pop entries, narrowed to one VRF on request", () => {
    const cust1: V = { name: "cust1", routes: new Map([[`${ip("192.168.110.0")}/24`, { interface: ET0, nextHop: ip("192.168.110.2") }]]) };
    const cust2: V = { name: "cust2", routes: new Map() };
    const lfib = new Lfib<V, I>();
    lfib.set(16 as Label, parsePrefix("192.168.110.0/24"), { kind: "vrf-lookup", vrf: cust1, aggregate: false });
    lfib.set(17 as Label, parsePrefix("0.0.0.0/0"), { kind: "vrf-lookup", vrf: cust2, aggregate: true });
    lfib.set(18 as Label, parsePrefix("10.1.1.3/32"), { kind: "pop", out: TU0, nextHop: undefined });
    lfib.set(19 as Label, parsePrefix("10.1.1.4/32"), { kind: "swap", out: GI1, nextHop: ip("10.0.0.2"), outLabel: 30 as Label });
    lfib.lookup(16)!.bytes = 1200;
    const rows = mplsForwardingRows(lfib, VIEW);
    for (const r of rows) expect(mplsForwardingRowSchema.safeParse(r).success).toBe(true);
    expect(mplsForwardingRows(lfib, VIEW, "cust2").map((r) => r.localLabel)).toEqual([17]);
    expect(formatMplsForwardingTable(rows, false, short).split("\n").slice(2)).toEqual([
      "16         No Label   192.168.110.0/24[V]   \\",
      "                                       1200          Et0/0      192.168.110.2",
      "17         No Label   0.0.0.0/0[V]     0             aggregate/cust2",
      "18         Pop Label  10.1.1.3/32      0             Tu0        point2point",
      "19         30         10.1.1.4/32      0             Gi1        10.0.0.2",
    ]);
    expect(formatMplsForwardingTable(rows.slice(2), true, short).split("\n").slice(2)).toEqual([
      "18         Pop Label  10.1.1.3/32      0             Tu0        point2point",
      "        MAC/Encaps=24/24, MRU=1504, Label Stack{}",
      "        No output feature configured",
      "19         30         10.1.1.4/32      0             Gi1        10.0.0.2",
      "        MAC/Encaps=14/18, MRU=1500, Label Stack{30}",
      "        No output feature configured",
    ]);
    expect(formatMplsForwardingTable(rows.slice(1, 2), true, short).split("\n").slice(3)).toEqual(["        VPN route: cust2", "        No output feature configured"]);
  });
});
