import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLabDir, newToken, readState, removeState, statePath, writeState } from "./state";
import type { ProcessLabState } from "./types";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function labDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "flexlab-state-"));
  dirs.push(d);
  return d;
}

function sample(dir: string): ProcessLabState {
  return {
    version: 1,
    lab: "two-routers",
    dir,
    runtime: "process",
    token: newToken(),
    createdAt: new Date(0).toISOString(),
    nodes: [{ name: "R1", state: "running", host: "127.0.0.1", consolePort: 2001, mgmtPort: 2002, pid: 1234, config: "R1.cfg", dir: join(dir, ".flexlab/nodes/R1") }],
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

  it("holds each runtime's own part: a process lab names its daemon, a docker lab its image", async () => {
    const dir = await labDir();
    const { daemon: _daemon, ...noDaemon } = sample(dir);
    await mkdir(join(dir, ".flexlab"));
    await writeFile(statePath(dir), JSON.stringify(noDaemon));
    const withoutDaemon = await readState(dir);
    expect(withoutDaemon.ok).toBe(false);
    if (!withoutDaemon.ok) expect(withoutDaemon.message).toContain("daemon");

    const docker = { ...noDaemon, runtime: "docker", docker: { image: "flexlab/router:0.1.0" } };
    await writeFile(statePath(dir), JSON.stringify(docker));
    expect(await readState(dir)).toMatchObject({ ok: true, state: { runtime: "docker", docker: { image: "flexlab/router:0.1.0" } } });
    await writeFile(statePath(dir), JSON.stringify({ ...docker, runtime: "kubernetes" }));
    expect((await readState(dir)).ok).toBe(false);
  });

  it("reads a node without a host (a file from before endpoints had one) as reached on 127.0.0.1", async () => {
    const dir = await labDir();
    const state = sample(dir);
    const { host: _host, ...oldNode } = state.nodes[0];
    await mkdir(join(dir, ".flexlab"));
    await writeFile(statePath(dir), JSON.stringify({ ...state, nodes: [oldNode] }));
    expect(await readState(dir)).toMatchObject({ ok: true, state: { nodes: [{ name: "R1", host: "127.0.0.1", consolePort: 2001 }] } });
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
