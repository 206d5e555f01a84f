import { describe, expect, it } from "vitest";
import { chooseRuntime, removeLeftovers, RUNTIME_ENTRIES, runtimeEntry } from "./index";
import { DEPLOY_RUNTIMES, labStateSchema } from "./types";

const base = {
  version: 1,
  lab: "two-routers",
  dir: "/labs/two",
  token: "0123456789abcdef0123456789abcdef",
  createdAt: new Date(0).toISOString(),
  nodes: [{ name: "R1", state: "running", host: "127.0.0.1", consolePort: 2001, mgmtPort: 2002, config: "R1.cfg", dir: "/labs/two" }],
  links: [],
};
const processState = { ...base, runtime: "process", daemon: { pid: 99, controlPort: 4000 } };
const dockerState = { ...base, runtime: "docker", docker: { image: "flexlab/router:0.1.0" } };

describe("runtime registry", () => {
  it("has one entry per deploy runtime, each found by its name", () => {
    expect(RUNTIME_ENTRIES.map((e) => e.name).sort()).toEqual([...DEPLOY_RUNTIMES].sort());
    for (const name of DEPLOY_RUNTIMES) expect(runtimeEntry(name).name).toBe(name);
  });

  it("gives each runtime its own variant of the state file, which the lab state schema accepts", () => {
    expect(runtimeEntry("process").stateSchema.safeParse(processState).success).toBe(true);
    expect(runtimeEntry("process").stateSchema.safeParse(dockerState).success).toBe(false);
    expect(runtimeEntry("docker").stateSchema.safeParse(dockerState).success).toBe(true);
    expect(runtimeEntry("docker").stateSchema.safeParse(processState).success).toBe(false);
    expect(labStateSchema.parse(dockerState).runtime).toBe("docker");
  });

  it("creates the runtime its entry names", async () => {
    for (const entry of RUNTIME_ENTRIES) expect((await entry.create()).name).toBe(entry.name);
  });

  it("takes process when asked, and for auto the first available runtime in its order", async () => {
    expect((await chooseRuntime("process")).name).toBe("process");
    const available = [];
    for (const e of RUNTIME_ENTRIES) if (await e.available()) available.push(e.name);
    expect((await chooseRuntime("auto")).name).toBe(available[0]);
  });

  it("finds nothing left by a lab that never ran", async () => {
    expect(await removeLeftovers({ name: `never-ran-${process.pid}`, dir: "/nonexistent/lab" })).toEqual([]);
  });
});
