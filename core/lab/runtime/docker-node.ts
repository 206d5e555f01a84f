// One router container through its life: created on the management network and connected
// to its link networks, started, and ready when its agent prints `flexlab-agent ready …`
// (read from the container log, as the process runtime reads a child's stdout). Its status
// comes from the engine; failures are values carrying the log's last lines.
import { constants } from "node:os";
import type Docker from "dockerode";
import { READY_LINE } from "../node-process";
import { engineMessage, statusCodeOf } from "./docker-engine";
import { linkEndpointConfig, type EndpointPlan, type NodePlan } from "./docker-plan";

const POLL_MS = 100;
const TAIL_LINES = 20;

/** The log as the engine sends it for a container without a TTY: frames of [stream, 0, 0, 0,
 * size (u32 BE)] then size bytes; stream 1 is stdout, 2 stderr. */
export function demuxLog(data: Uint8Array): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at + 8 <= buf.length) {
    const stream = buf[at];
    const size = buf.readUInt32BE(at + 4);
    const payload = buf.subarray(at + 8, Math.min(buf.length, at + 8 + size));
    if (stream === 2) err.push(payload);
    else out.push(payload);
    at += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

export function countReadyLines(stdout: string): number {
  return stdout.split("\n").filter((line) => READY_LINE.test(line)).length;
}

/** The last lines of a log, for a crash report; just the error when the agent refused its
 * arguments (the usage text it prints after it would bury the line that matters). */
export function tailLines(text: string, lines = TAIL_LINES): string[] {
  const all = text.trimEnd().split("\n").filter(Boolean);
  const usage = all.find((l) => l.startsWith("error: "));
  return usage ? [usage] : all.slice(-lines);
}

export interface ContainerFacts {
  readonly id: string;
  readonly running: boolean;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  /** Network name → the MAC the engine gave the container there. */
  readonly macs: ReadonlyMap<string, string>;
}

/** What the engine knows of the container, or undefined when there is none by that name. */
export async function inspectContainer(docker: Docker, name: string): Promise<ContainerFacts | undefined> {
  try {
    const info = await docker.getContainer(name).inspect();
    const macs = new Map(Object.entries(info.NetworkSettings.Networks ?? {}).map(([net, s]) => [net, s.MacAddress.toLowerCase()]));
    return { id: info.Id, running: info.State.Running, exitCode: info.State.ExitCode, oomKilled: info.State.OOMKilled, macs };
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined;
    throw err;
  }
}

export async function readLog(docker: Docker, id: string): Promise<{ stdout: string; stderr: string }> {
  return demuxLog(await docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false }));
}

/** Creates the container on the management network and connects it to its links, in order. */
export async function createContainer(docker: Docker, plan: NodePlan, perEndpointMac: boolean): Promise<string> {
  const container = await docker.createContainer(plan.create);
  for (const endpoint of plan.links) {
    await docker.getNetwork(endpoint.network).connect({ Container: container.id, EndpointConfig: linkEndpointConfig(endpoint, perEndpointMac) });
  }
  return container.id;
}

/** What checking a started container needs: its name and the MAC each link NIC should have. */
export interface NodeWiring {
  readonly name: string;
  readonly containerName: string;
  readonly links: readonly Pick<EndpointPlan, "network" | "iface" | "mac">[];
}

/** The MAC each link NIC really got, against the one the agent was told; a message when any differs. */
export function macMismatch(plan: NodeWiring, facts: ContainerFacts): string | undefined {
  const wrong = plan.links.filter((e) => facts.macs.get(e.network) !== e.mac);
  if (!wrong.length) return undefined;
  return wrong
    .map((e) => `${plan.name} ${e.iface}: the engine gave the NIC on ${e.network} MAC ${facts.macs.get(e.network) ?? "(none)"}, not ${e.mac}`)
    .join("; ");
}

/** link: ready, but its links' impairment could not be set (link-cables.ts). */
export type StartFailure = { readonly kind: "port-in-use" | "exited" | "timeout" | "mac" | "engine" | "interrupted" | "link"; readonly message: string };

function signalName(exitCode: number): string | undefined {
  if (exitCode <= 128) return undefined;
  return Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
}

/** "exited with code 2", "killed by SIGKILL", "killed: out of memory". */
export function describeExit(facts: Pick<ContainerFacts, "exitCode" | "oomKilled">): string {
  if (facts.oomKilled) return "killed: out of memory (raise the container's memory limit)";
  const signal = signalName(facts.exitCode);
  return signal ? `killed by ${signal}` : `exited with code ${facts.exitCode}`;
}

/**
 * Starts the container and waits for a new ready line. Counting ready lines (rather than
 * looking for one) tells this start's line from a previous run's in the same log. Aborting
 * `signal` ends the wait (the container is left as it is, for the caller to remove).
 */
export async function startAndWait(docker: Docker, plan: NodeWiring, id: string, timeoutMs: number, signal?: AbortSignal): Promise<StartFailure | undefined> {
  const container = docker.getContainer(id);
  const before = countReadyLines((await readLog(docker, id)).stdout);
  try {
    await container.start();
  } catch (err) {
    const message = engineMessage(err);
    if (/address already in use|port is already allocated/i.test(message)) return { kind: "port-in-use", message: `${plan.name}: ${message}` };
    return { kind: "engine", message: `${plan.name}: the engine cannot start ${plan.containerName}: ${message}` };
  }
  const facts = await inspectContainer(docker, id);
  const wrongMac = facts && macMismatch(plan, facts);
  if (wrongMac) return { kind: "mac", message: wrongMac };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readLog(docker, id);
    if (countReadyLines(log.stdout) > before) return undefined;
    const now = await inspectContainer(docker, id);
    if (!now || !now.running) {
      const tail = tailLines(log.stderr || log.stdout);
      return { kind: "exited", message: `${plan.name} ${now ? describeExit(now) : "vanished"} before it was ready${tail.length ? `:\n  ${tail.join("\n  ")}` : ""}` };
    }
    if (Date.now() > deadline) return { kind: "timeout", message: `${plan.name} not ready after ${timeoutMs} ms` };
    if (signal?.aborted) return { kind: "interrupted", message: `${plan.name}: interrupted` };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Stops the container (SIGTERM, SIGKILL after `graceSec`); a stopped or missing one is fine. */
export async function stopContainer(docker: Docker, id: string, graceSec: number): Promise<void> {
  try {
    await docker.getContainer(id).stop({ t: graceSec });
  } catch (err) {
    const code = statusCodeOf(err);
    if (code === 304 || code === 404) return; // already stopped, or gone
    throw err;
  }
}
