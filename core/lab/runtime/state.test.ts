import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLabDir, newToken, readState, removeState, statePath, writeState } from "./state";
import type { LabState } from "./types";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function labDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "flexlab-state-"));
  dirs.push(d);
  return d;
}

function sample(dir: string): LabState {
  return {
    version: 1,
    lab: "two-routers",
    dir,
    runtime: "process",
    token: newToken(),
    createdAt: new Date(0).toISOString(),
    nodes: [{ name: "R1", state: "running", consolePort: 2001, mgmtPort: 2002, pid: 1234, config: "R1.cfg", dir: join(dir, ".flexlab/nodes/R1") }],
    links: [{ index: 0, endpoints: [{ node: "R1", iface: "Ethernet0/0", bridgePort: 3001, nodePort: 3002 }], bridge: { kind: "udp" } }],
    daemon: { pid: 999, controlPort: 4000 },
  };
}

describe("lab state file", () => {
  it("round-trips through .flexlab/state.json and leaves no temporary file", async () => {
    const dir = await labDir();
    const state = sample(dir);
    await writeState(state);
    expect(await readState(dir)).toEqual({ ok: true, state });
    expect(await readdir(join(dir, ".flexlab"))).toEqual(["state.json"]);
  });

  it("says missing when there is none, invalid when it is not JSON or not a lab state", async () => {
    const dir = await labDir();
    expect(await readState(dir)).toMatchObject({ ok: false, reason: "missing" });
    await mkdir(join(dir, ".flexlab"));
    await writeFile(statePath(dir), "{ nope");
    expect(await readState(dir)).toMatchObject({ ok: false, reason: "invalid" });
    await writeFile(statePath(dir), JSON.stringify({ ...sample(dir), token: "short" }));
    const read = await readState(dir);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toContain("token");
  });

  it("is found from a folder inside the lab, and not once removed", async () => {
    const dir = await labDir();
    const inner = join(dir, "configs", "more");
    await mkdir(inner, { recursive: true });
    expect(await findLabDir(inner)).toBeUndefined();
    await writeState(sample(dir));
    expect(await findLabDir(inner)).toBe(dir);
    await removeState(dir);
    expect(await findLabDir(inner)).toBeUndefined();
  });

  it("survives concurrent writers: the file is always whole", async () => {
    const dir = await labDir();
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeState({ ...sample(dir), createdAt: new Date(i).toISOString() })));
    const read = await readState(dir);
    expect(read.ok).toBe(true);
  });
});
