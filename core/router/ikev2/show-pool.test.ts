import { describe, expect, it } from "vitest";
import { ipv4, type Ipv4 } from "../wire/addr";
import { formatLocalPoolDetail, formatLocalPools, localPoolRows } from "./show-pool";

const pool = { name: "mypool", ranges: [{ start: ipv4(10, 1, 1, 1), end: ipv4(10, 1, 1, 4) }, { start: ipv4(10, 2, 2, 1), end: ipv4(10, 2, 2, 2) }] };
const other = { name: "spare", ranges: [{ start: ipv4(10, 9, 9, 9), end: ipv4(10, 9, 9, 9) }] };
const leased = (name: string): ReadonlySet<Ipv4> => new Set(name === "mypool" ? [ipv4(10, 1, 1, 1), ipv4(10, 2, 2, 1)] : []);

describe("show ip local pool", () => {
  it("prints one line per range with its free and in-use counts", () => {
    expect(formatLocalPools(localPoolRows([pool, other], leased)).split("\n")).toEqual([
      " Pool                     Begin           End             Free  In use",
      " mypool                   10.1.1.1        10.1.1.4           3       1",
      " mypool                   10.2.2.1        10.2.2.2           1       1",
      " spare                    10.9.9.9        10.9.9.9           1       0",
    ]);
  });

  it("lists a pool's free addresses and its leased ones with the session's interface", () => {
    const leases = [{ address: ipv4(10, 2, 2, 1) }, { address: ipv4(10, 1, 1, 1), interfaceName: "Virtual-Access1" }];
    expect(formatLocalPoolDetail(pool, localPoolRows([pool], leased), leases).split("\n")).toEqual([
      " Pool                     Begin           End             Free  In use",
      " mypool                   10.1.1.1        10.1.1.4           3       1",
      " mypool                   10.2.2.1        10.2.2.2           1       1",
      "Available addresses:",
      "  10.1.1.2",
      "  10.1.1.3",
      "  10.1.1.4",
      "  10.2.2.2",
      "Inuse addresses:",
      "  10.1.1.1        Vi1",
      "  10.2.2.1",
    ]);
  });

  it("says None when nothing is leased", () => {
    expect(formatLocalPoolDetail(other, localPoolRows([other], leased), []).split("\n").slice(-2)).toEqual(["Inuse addresses:", "  None"]);
  });
});
