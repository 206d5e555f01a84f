// `show ip interface [X]`: an interface's IPv4 settings in IOS's layout, each line from what
// the data plane does: its address (or the one it borrows), the IP MTU, the access lists,
// proxy ARP, which ICMP errors it sends, and its VRF. IOS's lines for features this router
// does not have (multicast groups, NAT, WCCP, policy routing…) are left out rather than
// guessed; the ones kept say what the stack really does (it sends no ICMP mask replies,
// forwards no directed broadcasts and relays no DHCP).
import type { Interface } from "../../net/interface";
import type { Router } from "../../node/router";
import { formatIpv4 } from "../../wire/addr";

export function formatIpInterface(router: Router, iface: Interface): string {
  const lines = [`${iface.name} is ${iface.linkState}, line protocol is ${iface.lineProtocolUp ? "up" : "down"}`];
  const borrowed = iface.unnumbered;
  const a = iface.address;
  if (borrowed !== undefined) {
    const b = borrowed.address;
    lines.push(`  Interface is unnumbered. Using address of ${borrowed.name} (${b ? formatIpv4(b.address) : "0.0.0.0"})`);
  } else if (a !== undefined) {
    lines.push(`  Internet address is ${formatIpv4(a.address)}/${a.prefixLength}`);
  } else {
    lines.push("  Internet protocol processing disabled");
    return lines.join("\n");
  }
  lines.push("  Broadcast address is 255.255.255.255");
  if (borrowed === undefined && router.addressMethod(iface) === "NVRAM") lines.push("  Address determined by non-volatile memory");
  for (const s of iface.secondaries) lines.push(`  Secondary address ${formatIpv4(s.address)}/${s.prefixLength}`);
  const groups = router.running.interfaces[iface.name]?.accessGroup;
  lines.push(
    `  MTU is ${iface.ipMtuBytes} bytes`,
    "  Helper address is not set",
    "  Directed broadcast forwarding is disabled",
    `  Outgoing access list is ${groups?.out ?? "not set"}`,
    `  Inbound  access list is ${groups?.in ?? "not set"}`,
    `  Proxy ARP is ${iface.proxyArp ? "enabled" : "disabled"}`,
    `  ICMP redirects are ${iface.ipRedirects ? "always" : "never"} sent`,
    `  ICMP unreachables are ${iface.ipUnreachables ? "always" : "never"} sent`,
    "  ICMP mask replies are never sent",
    "  IP CEF switching is enabled",
  );
  if (!iface.vrf.isGlobal) lines.push(`  VPN Routing/Forwarding "${iface.vrf.name}"`);
  return lines.join("\n");
}
