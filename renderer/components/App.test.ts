// @vitest-environment happy-dom
import { flushPromises, mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { LAB_CLIENT } from "../composables/lab-client";
import { FakeLab, seedView } from "../testdata/fake-lab";
import { App } from "./App";

function mountApp(lab: FakeLab) {
  // The node panel's console and editor need a real browser (the e2e test has one).
  return mount(App, { attachTo: document.body, global: { provide: { [LAB_CLIENT as symbol]: lab.client }, stubs: { ConsoleView: true, ConfigEditor: true, TablesView: true } } });
}

describe("the app", () => {
  it("shows the lab with its routers stopped and a Start button", async () => {
    const view = mountApp(new FakeLab({ "lab.get": () => seedView() }));
    await flushPromises();
    expect(view.find(".lab-name").text()).toBe("mpls-over-flexvpn");
    expect(view.find(".lab-meta").text()).toBe("process runtime · 4 routers · 2 links");
    expect(view.find("[data-summary]").text()).toBe("4 stopped");
    expect(view.find('[data-action="lab-start"]').exists()).toBe(true);
    view.unmount();
  });

  it("starts the lab on Start and follows the states the lab reports until all run", async () => {
    let finish = (): void => {};
    const deployed = new Promise<void>((resolve) => (finish = resolve));
    const lab = new FakeLab({
      "lab.get": () => seedView(),
      "lab.deploy": async () => {
        await deployed;
        return seedView("running");
      },
    });
    const view = mountApp(lab);
    await flushPromises();
    await view.find('[data-action="lab-start"]').trigger("click");
    const booting = seedView();
    booting.busy = true;
    booting.nodes = booting.nodes.map((n, i) => ({ ...n, state: i < 2 ? "running" : "booting" }));
    lab.emit("lab.status", booting);
    await flushPromises();
    expect(view.find("[data-summary]").text()).toBe("2 running2 booting");
    expect(view.find('[data-action="lab-start"]').attributes("disabled")).toBeDefined();
    expect(view.findAll(".router-node").map((n) => n.attributes("data-state"))).toEqual(["running", "running", "booting", "booting"]);
    finish();
    await flushPromises();
    expect(lab.calls.map((c) => c.method)).toEqual(["lab.get", "lab.deploy"]);
    expect(view.find("[data-summary]").text()).toBe("4 running");
    expect(view.find('[data-action="lab-stop"]').exists()).toBe(true);
    view.unmount();
  });

  it("opens a router's panel on click, with start/stop that fit its state", async () => {
    const view = mountApp(new FakeLab({ "lab.get": () => seedView("running") }));
    await flushPromises();
    await view.find('.router-node[data-node="R4-Spoke"]').trigger("click");
    await flushPromises();
    const panel = view.find('[data-panel="R4-Spoke"]');
    expect(panel.find("h2").text()).toBe("R4-Spoke");
    const buttons = Object.fromEntries(panel.findAll(".panel-actions button").map((b) => [b.text(), b.attributes("disabled") !== undefined]));
    expect(buttons).toEqual({ Start: true, Stop: false, Restart: false, "✕": false });
    expect(panel.findAll(".tabs button").map((b) => b.text())).toEqual(["Console", "Config", "Tables"]);
    view.unmount();
  });

  it("shows the lab's error where it happened, in the top bar", async () => {
    const lab = new FakeLab({ "lab.get": () => seedView() });
    const view = mountApp(lab);
    await flushPromises();
    await view.find('[data-action="lab-start"]').trigger("click");
    await flushPromises();
    expect(view.find(".error-bar").text()).toBe("fake lab: no lab.deploy");
    view.unmount();
  });
});
