import { describe, expect, it } from "vitest";
import {
  belongsToLab,
  containerName,
  LABEL_DIR,
  LABEL_LAB,
  LABEL_ROLE,
  labFilter,
  labLabels,
  linkNetworkName,
  macForAddress,
  mgmtNetworkName,
  nodeFilter,
} from "./docker-labels";

describe("docker labels", () => {
  it("asks the engine for the lab's objects by the flexlab.lab label", () => {
    expect(labFilter("two-routers")).toEqual({ label: ["flexlab.lab=two-routers"] });
    expect(JSON.stringify(labFilter("two-routers"))).toBe('{"label":["flexlab.lab=two-routers"]}');
  });

  it("narrows to one node with a second label that must also match", () => {
    expect(nodeFilter("two-routers", "R1")).toEqual({ label: ["flexlab.lab=two-routers", "flexlab.node=R1"] });
  });

  it("labels every object with its lab, folder and role", () => {
    expect(labLabels("two-routers", "/labs/two", "link")).toEqual({ [LABEL_LAB]: "two-routers", [LABEL_DIR]: "/labs/two", [LABEL_ROLE]: "link" });
  });

  it("matches listed objects exactly on the lab name, not a prefix of it", () => {
    expect(belongsToLab({ "flexlab.lab": "lab" }, "lab")).toBe(true);
    expect(belongsToLab({ "flexlab.lab": "lab-2" }, "lab")).toBe(false);
    expect(belongsToLab({ other: "lab" }, "lab")).toBe(false);
    expect(belongsToLab(null, "lab")).toBe(false);
  });

  it("names objects for people reading docker ps", () => {
    expect(containerName("two-routers", "R1")).toBe("flexlab-two-routers-R1");
    expect(mgmtNetworkName("two-routers")).toBe("flexlab-two-routers-mgmt");
    expect(linkNetworkName("two-routers", 0)).toBe("flexlab-two-routers-link0");
  });

  it("derives a container NIC's MAC from its address, as engines before API 1.44 do", () => {
    expect(macForAddress("10.255.255.10")).toBe("02:42:0a:ff:ff:0a");
    expect(macForAddress("10.255.0.2")).toBe("02:42:0a:ff:00:02");
    expect(() => macForAddress("10.255.0")).toThrow(/not an IPv4 address/);
  });
});
