// @vitest-environment happy-dom
import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { seedView } from "../testdata/fake-lab";
import { TopologyTools, freePort, nextRouterName } from "./TopologyTools";

describe("the canvas's wiring tools", () => {
  it("suggests the first free router name and the first free port of a router", () => {
    const view = seedView();
    expect(nextRouterName(view)).toBe("R1");
    view.nodes.push({ name: "R1", state: "stopped", config: "R1.cfg" });
    expect(nextRouterName(view)).toBe("R2");
    expect(freePort(view, "INET")).toBe("Ethernet0/2");
    expect(freePort(view, "R1")).toBe("Ethernet0/0");
  });

  it("adds a router and a link while the lab is stopped, and offers neither while it runs", async () => {
    const tools = mount(TopologyTools, { props: { view: seedView() } });
    await tools.find('[data-action="add-router"]').trigger("click");
    await tools.find('[data-form="add-router"] input').setValue("R9");
    await tools.find('[data-form="add-router"]').trigger("submit");
    await tools.find('[data-action="add-link"]').trigger("click");
    expect((tools.find('[data-form="add-link"] [data-end="1"] input').element as HTMLInputElement).value).toBe("Ethernet0/2");
    await tools.find('[data-form="add-link"]').trigger("submit");
    expect(tools.emitted("edit")).toEqual([
      [{ method: "lab.addNode", params: { node: "R9" } }],
      [{ method: "lab.addLink", params: { endpoints: [{ node: "R1-HUB", iface: "Ethernet0/1" }, { node: "INET", iface: "Ethernet0/2" }] } }],
    ]);
    await tools.setProps({ view: seedView("running"), selectedLink: 0 });
    expect(tools.find('[data-action="add-router"]').attributes("disabled")).toBeDefined();
    expect(tools.find('[data-action="remove-link"]').attributes("disabled")).toBeDefined();
    // A running lab's link can be captured at either end.
    await tools.find('[data-capture-end="INET:Ethernet0/0"]').trigger("click");
    expect(tools.emitted("capture")).toEqual([["INET", "Ethernet0/0"]]);
  });
});
