import { describe, expect, it } from "vitest";
import { formatAdjacencies, type AdjacencyRow } from "./show-adjacency";

const rows: AdjacencyRow[] = [
  { interface: "Ethernet0/0", address: "172.16.1.1", refCount: 2, encap: Uint8Array.from([0xaa, 0xbb, 0xcc, 0, 2, 0x10, 0xaa, 0xbb, 0xcc, 0, 4, 0, 8, 0]), next: undefined },
  { interface: "Tunnel0", address: undefined, refCount: 5, encap: undefined, next: { interface: "Ethernet0/0", address: "172.16.1.1" } },
];

describe("show adjacency", () => {
  it("lists ARP and point-to-point adjacencies with their reference counts in IOS's columns", () => {
    expect(formatAdjacencies(rows, false)).toBe(
      ["Protocol Interface                 Address", "IP       Ethernet0/0               172.16.1.1(2)", "IP       Tunnel0                   point2point(5)", ""].join("\n"),
    );
  });

  it("details the rewrite bytes of an ARP adjacency and a tunnel's next chain element", () => {
    const pad = " ".repeat(35);
    expect(formatAdjacencies(rows, true)).toBe(
      [
        "Protocol Interface                 Address",
        "IP       Ethernet0/0               172.16.1.1(2)",
        `${pad}epoch 0`,
        `${pad}sourced in sev-epoch 0`,
        `${pad}Encap length 14`,
        `${pad}AABBCC000210AABBCC0004000800`,
        `${pad}L2 destination address byte offset 0`,
        `${pad}L2 destination address byte length 6`,
        `${pad}Link-type after encap: ip`,
        `${pad}ARP`,
        "IP       Tunnel0                   point2point(5)",
        `${pad}epoch 0`,
        `${pad}sourced in sev-epoch 0`,
        `${pad}Next chain element:`,
        `${pad}  IP adj out of Ethernet0/0, addr 172.16.1.1`,
        "",
      ].join("\n"),
    );
  });
});
