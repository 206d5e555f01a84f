// @vitest-environment happy-dom
import { flushPromises, mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { LAB_CLIENT } from "../composables/lab-client";
import { FakeLab } from "../testdata/fake-lab";
import { cellText, columnTitle, TablesView } from "./TablesView";

const row = (iface: string, ip: string) => ({ interface: iface, ipAddress: ip, ok: "YES", method: "manual", status: "up", protocol: "up" });

function mountTables(lab: FakeLab, running = true) {
  return mount(TablesView, { props: { node: "R4-Spoke", running }, global: { provide: { [LAB_CLIENT as symbol]: lab.client } } });
}

describe("the live tables view", () => {
  it("watches the interface table of its node and shows the rows the lab pushes, new ones highlighted", async () => {
    const lab = new FakeLab({ "tables.watch": () => ({ streamId: 5 }), "tables.unwatch": () => ({}) });
    const view = mountTables(lab);
    await flushPromises();
    expect(lab.calls).toEqual([{ method: "tables.watch", params: { node: "R4-Spoke", table: "interfaces" } }]);
    lab.emit("tables.rows", { streamId: 5, table: "interfaces", rows: [row("Ethernet0/0", "172.16.1.104")] });
    await flushPromises();
    expect(view.findAll("th").map((th) => th.text())).toEqual(["Interface", "IP address", "Ok", "Method", "Status", "Protocol"]);
    expect(view.findAll("tbody tr").map((tr) => tr.text())).toEqual(["Ethernet0/0172.16.1.104YESmanualupup"]);
    // The first rows are not news; a row that appears later is.
    expect(view.findAll("tr.fresh")).toHaveLength(0);
    lab.emit("tables.rows", { streamId: 5, table: "interfaces", rows: [row("Ethernet0/0", "172.16.1.104"), row("Loopback99", "10.99.99.99")] });
    await flushPromises();
    expect(view.findAll("tr.fresh").map((tr) => tr.find("td").text())).toEqual(["Loopback99"]);
    // Rows of another stream are not this view's.
    lab.emit("tables.rows", { streamId: 6, table: "interfaces", rows: [] });
    await flushPromises();
    expect(view.findAll("tbody tr")).toHaveLength(2);
  });

  it("filters rows by any cell's text", async () => {
    const lab = new FakeLab({ "tables.watch": () => ({ streamId: 1 }), "tables.unwatch": () => ({}) });
    const view = mountTables(lab);
    await flushPromises();
    lab.emit("tables.rows", { streamId: 1, table: "interfaces", rows: [row("Ethernet0/0", "172.16.1.104"), row("Loopback99", "10.99.99.99")] });
    await flushPromises();
    await view.find("input.filter").setValue("10.99");
    expect(view.findAll("tbody tr").map((tr) => tr.find("td").text())).toEqual(["Loopback99"]);
    await view.find("input.filter").setValue("nothing like it");
    expect(view.find(".empty").text()).toBe("No row matches the filter.");
  });

  it("switches tables: the old watch ends, the new one starts", async () => {
    let next = 1;
    const lab = new FakeLab({ "tables.watch": () => ({ streamId: next++ }), "tables.unwatch": () => ({}) });
    const view = mountTables(lab);
    await flushPromises();
    await view.find("select.table-pick").setValue("routes");
    await flushPromises();
    expect(lab.calls.map((c) => [c.method, c.params])).toEqual([
      ["tables.watch", { node: "R4-Spoke", table: "interfaces" }],
      ["tables.unwatch", { streamId: 1 }],
      ["tables.watch", { node: "R4-Spoke", table: "routes" }],
    ]);
  });

  it("asks for nothing while the node is not running, and says so", async () => {
    const lab = new FakeLab({});
    const view = mountTables(lab, false);
    await flushPromises();
    expect(lab.calls).toEqual([]);
    expect(view.find(".empty").text()).toBe("Start the node to see its tables.");
  });

  it("writes cells as text: lists joined, nested fields as key=value", () => {
    expect(cellText([{ nextHop: "10.0.0.1", interface: "Tunnel0" }, { interface: "Null0" }])).toBe("nextHop=10.0.0.1 interface=Tunnel0, interface=Null0");
    expect(cellText(undefined)).toBe("");
    expect(columnTitle("mplsForwarding")).toBe("MPLS forwarding");
  });
});
