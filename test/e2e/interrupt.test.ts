// Ctrl-C during `flexlab up`, in both runtimes: `up` is interrupted with SIGINT at several
// moments (before it deploys, as the networks are made, as the routers start, as the first
// is ready, after it is done), a `down` issued while a deploy runs cancels it, and an `up`
// killed outright is cleaned up by `down`. Then `down` (or nothing at all) must leave no
// container, network, process or state file.
// The docker half skips, saying why, when no engine answers.
import { spawn } from "node:child_process";
import { chmod, chown, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureRouterImage } from "../../core/lab/image/build";
import { NO_ENGINE_HINT } from "../../core/lab/runtime/docker-engine";
import { dockerAvailable } from "../../core/lab/runtime/docker";
import { labFilter } from "../../core/lab/runtime/docker-labels";
import { removeLabObjects } from "../../core/lab/runtime/docker-objects";
import { findRunningLab } from "../../core/lab/running-lab";
import { copyExampleLab } from "../../core/lab/testdata/example-lab";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/flexlab.mjs");
const engineAnswers = await dockerAvailable();
if (!engineAnswers) console.warn(`test/e2e/interrupt: docker cases skipped: ${NO_ENGINE_HINT}`);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** When to interrupt `up`: a delay after it started, or the first stderr line matching. */
type Moment = { readonly afterMs: number } | { readonly line: RegExp } | "after-up";

/** `up`'s outcome when interrupted: killed by the signal before it deployed anything, or the
 * deploy cancelled (exit 130); as the first router is ready the last may be too, and `up`
 * may then finish (exit 0) before the signal lands. */
const MOMENTS: readonly [string, Moment, readonly (number | string)[]][] = [
  ["before it deploys (0.3 s)", { afterMs: 300 }, [130, "SIGINT"]],
  ["as it makes the links", { line: /\bR\d\s+network\b/ }, [130, "SIGINT"]],
  ["as the routers start", { line: /\bR\d\s+(starting|booting)\b/ }, [130, "SIGINT"]],
  ["as the first router is ready", { line: /\bR\d\s+ready\b/ }, [130, "SIGINT", 0]],
  ["after the lab is up", "after-up", [0]],
];

const labs: string[] = [];
const docker = new Docker();

/** A copy of two-routers under a name of its own, readable by the containers' user. With
 * `slowBoot`, R2's startup-config gains thousands of loopbacks, so its boot (and so the
 * deploy) lasts seconds rather than the fraction of one a two-router lab takes: long enough
 * for a `down` to land inside it however loaded the machine is. */
async function labCopy(name: string, slowBoot = false): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flexlab-interrupt-"));
  labs.push(dir);
  await chmod(dir, 0o755);
  await copyExampleLab("two-routers", dir);
  const yaml = await readFile(join(dir, "lab.yaml"), "utf8");
  await writeFile(join(dir, "lab.yaml"), yaml.replace(/^name: .*$/m, `name: ${name}`));
  if (slowBoot) {
    const loopbacks = Array.from({ length: 15_000 }, (_, i) => `interface Loopback${i + 100}\n ip address 10.${100 + (i >> 8)}.${i & 255}.1 255.255.255.255\n!`);
    const cfg = join(dir, "R2.cfg");
    const text = await readFile(cfg, "utf8");
    expect(text).toMatch(/\nend\s*$/);
    await writeFile(cfg, text.replace(/\nend\s*$/, `\n${loopbacks.join("\n")}\nend\n`));
  }
  if (process.getuid?.() === 0) {
    for (const entry of [dir, ...(await readdir(dir)).map((f) => join(dir, f))]) await chown(entry, 1000, 1000);
  }
  return dir;
}

function flexlab(dir: string, args: readonly string[], interrupt?: Moment, signal: NodeJS.Signals = "SIGINT"): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const send = (): void => {
      if (sent) return;
      sent = true;
      child.kill(signal);
    };
    const kill = setTimeout(() => child.kill("SIGKILL"), 90_000);
    if (interrupt && interrupt !== "after-up" && "afterMs" in interrupt) setTimeout(send, interrupt.afterMs);
    child.stdout.on("data", (d: Buffer) => (stdout += String(d)));
    child.stderr.on("data", (d: Buffer) => {
      stderr += String(d);
      if (interrupt && interrupt !== "after-up" && "line" in interrupt && interrupt.line.test(stderr)) send();
    });
    child.on("close", (code, signal) => {
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Processes whose working folder or command line is inside the lab folder: its daemon and agents. */
async function labProcesses(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(`${pid} ${cmdline.split("\0").join(" ")}`);
  }
  return found;
}

async function leftovers(dir: string, lab: string, withDocker: boolean): Promise<string[]> {
  const left = (await labProcesses(dir)).map((p) => `process ${p}`);
  if (await stat(join(dir, ".flexlab/state.json")).catch(() => undefined)) left.push("state file");
  if (withDocker) {
    for (const c of await docker.listContainers({ all: true, filters: labFilter(lab) })) left.push(`container ${c.Names[0]}`);
    for (const n of await docker.listNetworks({ filters: labFilter(lab) })) left.push(`network ${n.Name}`);
  }
  return left;
}

/** `down` after an interrupted `up`: it takes down what is there, or says there is no lab. */
async function downAndCheck(dir: string, lab: string, withDocker: boolean): Promise<void> {
  const down = await flexlab(dir, ["down"]);
  if (down.code !== 0) expect(down.stderr).toMatch(/no lab running/);
  expect(await leftovers(dir, lab, withDocker)).toEqual([]);
}

async function interruptUp(runtime: "process" | "docker", moment: Moment, outcomes: readonly (number | string)[]): Promise<void> {
  const lab = `irq-${runtime}-${process.pid}-${labs.length}`;
  const dir = await labCopy(lab);
  const up = await flexlab(dir, ["up", ".", "--runtime", runtime], moment);
  expect(outcomes, up.stderr).toContain(up.signal ?? up.code);
  await downAndCheck(dir, lab, runtime === "docker");
}

/** `up` killed outright (no chance to clean up) as its routers start: `down` alone must find
 * and remove what it made, from the state file written before the first object. */
async function killUp(runtime: "process" | "docker"): Promise<void> {
  const lab = `irq-${runtime}-${process.pid}-${labs.length}`;
  const dir = await labCopy(lab);
  const up = await flexlab(dir, ["up", ".", "--runtime", runtime], { line: /\bR\d\s+(starting|booting)\b/ }, "SIGKILL");
  expect(up.signal, up.stderr).toBe("SIGKILL");
  const down = await flexlab(dir, ["down"]);
  expect(down.code, down.stderr).toBe(0);
  expect(await leftovers(dir, lab, runtime === "docker")).toEqual([]);
}

/** `down` while `up` deploys, done in this process the way `flexlab down` does it (finding the
 * lab from its folder, then destroy) so it lands inside the deploy, not after it. */
async function downDuringUp(runtime: "process" | "docker"): Promise<void> {
  const lab = `irq-${runtime}-${process.pid}-${labs.length}`;
  const dir = await labCopy(lab, true);
  const child = spawn(process.execPath, [BIN, "up", ".", "--runtime", runtime], { cwd: dir, env: { ...process.env, FLEXLAB_FROM_SOURCE: "1" } });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  // The links are being made: the state file is there, the routers are not ready yet.
  await new Promise<void>((resolve) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += String(d);
      if (/\bR\d\s+network\b/.test(stderr)) resolve();
    });
    void exited.then(() => resolve());
  });
  const found = await findRunningLab(dir);
  if (!found.ok) throw new Error(found.message);
  // Meanwhile `status` shows the lab coming up rather than failing or calling it crashed.
  const during = await found.value.runtime.status(found.value.state);
  expect(during.map((n) => n.name)).toEqual(["R1", "R2"]);
  for (const n of during) expect(["starting", "running"]).toContain(n.state);
  await found.value.runtime.destroy(found.value.state);
  const code = await exited;
  expect(code, stderr).toBe(130);
  expect(stderr).toMatch(/interrupted/);
  expect(stderr).not.toMatch(/is up after/);
  expect(await leftovers(dir, lab, runtime === "docker")).toEqual([]);
}

afterAll(async () => {
  for (const dir of labs) {
    if (await stat(join(dir, ".flexlab/state.json")).catch(() => undefined)) await flexlab(dir, ["down"]);
    const lab = /^name: (.*)$/m.exec(await readFile(join(dir, "lab.yaml"), "utf8"))?.[1];
    if (engineAnswers && lab) await removeLabObjects(docker, lab, 0).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);

describe("Ctrl-C during `flexlab up` on the process runtime leaves nothing behind", () => {
  for (const [when, moment, outcomes] of MOMENTS) it(`interrupted ${when}`, () => interruptUp("process", moment, outcomes), 120_000);
  it("a `down` during the deploy cancels it", () => downDuringUp("process"), 120_000);
  it("`up` killed with SIGKILL as the routers start: `down` removes it all", () => killUp("process"), 120_000);
});

describe.skipIf(!engineAnswers)(engineAnswers ? "Ctrl-C during `flexlab up` on docker leaves nothing behind" : `docker (skipped: ${NO_ENGINE_HINT})`, () => {
  beforeAll(async () => {
    const image = await ensureRouterImage();
    if (!image.ok) throw new Error(image.message);
  }, 120_000);
  for (const [when, moment, outcomes] of MOMENTS) it(`interrupted ${when}`, () => interruptUp("docker", moment, outcomes), 120_000);
  it("a `down` during the deploy cancels it", () => downDuringUp("docker"), 120_000);
  it("`up` killed with SIGKILL as the routers start: `down` removes it all", () => killUp("docker"), 120_000);
});
