// One router container through its life: created on the management network and connected
// to its link networks, started, and ready when its agent prints `flexlab-agent ready …`
// (read from its attached output, as the process runtime reads a child's stdout). Its status
// comes from the engine; failures are values carrying the log's last lines.
import { constants } from "node:os";
import type Docker from "dockerode";
import { READY_LINE } from "../node-process";
import { engineMessage, statusCodeOf } from "./docker-engine";
import { linkEndpointConfig, type EndpointPlan, type NodePlan } from "./docker-plan";

const TAIL_LINES = 20;

/**
 * The output of a container without a TTY as the engine sends it (log or attach): frames of
 * [stream, 0, 0, 0, size (u32 BE)] then size bytes; stream 1 is stdout, 2 stderr. Fed chunk
 * by chunk, as a stream delivers them; a frame cut between chunks waits for its rest.
 */
export class OutputDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: "stdout" | "stderr", payload: Buffer) => void) {}

  push(chunk: Uint8Array): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let at = 0;
    while (at + 8 <= buf.length) {
      const size = buf.readUInt32BE(at + 4);
      if (at + 8 + size > buf.length) break;
      this.onFrame(buf[at] === 2 ? "stderr" : "stdout", buf.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    this.pending = Buffer.from(buf.subarray(at));
  }
}

/** A whole log, split into stdout and stderr (a frame cut short at the end is left out). */
export function demuxLog(data: Uint8Array): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  new OutputDemuxer((stream, payload) => (stream === "stderr" ? err : out).push(payload)).push(data);
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** Resolves true at the first ready line on the stream's stdout, false when the stream ends
 * without one (the container's process exited). */
export function readyLineOn(output: NodeJS.ReadableStream): Promise<boolean> {
  return new Promise((resolve) => {
    let line = "";
    const demuxer = new OutputDemuxer((stream, payload) => {
      if (stream !== "stdout") return;
      line += payload.toString("utf8");
      for (let nl = line.indexOf("\n"); nl >= 0; nl = line.indexOf("\n")) {
        if (READY_LINE.test(line.slice(0, nl))) resolve(true);
        line = line.slice(nl + 1);
      }
    });
    output.on("data", (chunk: Uint8Array) => demuxer.push(chunk));
    output.once("end", () => resolve(false));
    output.once("close", () => resolve(false));
    output.once("error", () => resolve(false));
  });
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
 * Starts the container and waits for its agent's ready line. The output is attached before
 * the start, so it carries this start's lines from the first byte: the line is seen the
 * moment the agent prints it, with no polling of the engine, and an earlier run's line in the
 * same log cannot be taken for it. Aborting `signal` ends the wait (the container is left as
 * it is, for the caller to remove).
 */
export async function startAndWait(docker: Docker, plan: NodeWiring, id: string, timeoutMs: number, signal?: AbortSignal): Promise<StartFailure | undefined> {
  const container = docker.getContainer(id);
  const attached = new AbortController();
  let output: NodeJS.ReadableStream;
  try {
    output = (await container.attach({ stream: true, stdout: true, stderr: true, abortSignal: attached.signal })) as NodeJS.ReadableStream;
  } catch (err) {
    return { kind: "engine", message: `${plan.name}: the engine cannot attach to ${plan.containerName}: ${engineMessage(err)}` };
  }
  const ready = readyLineOn(output);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
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
    const outcome = await Promise.race([
      ready.then((seen) => (seen ? ("ready" as const) : ("ended" as const))),
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
      new Promise<"interrupted">((resolve) => {
        onAbort = () => resolve("interrupted");
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
    if (outcome === "ready") return undefined;
    if (outcome === "timeout") return { kind: "timeout", message: `${plan.name} not ready after ${timeoutMs} ms` };
    if (outcome === "interrupted") return { kind: "interrupted", message: `${plan.name}: interrupted` };
    // Its output ended: the agent is gone. Once the engine has seen the exit, say how it went.
    await container.wait({ abortSignal: AbortSignal.timeout(5000) }).catch(() => undefined);
    const now = await inspectContainer(docker, id);
    const log = await readLog(docker, id).catch(() => ({ stdout: "", stderr: "" }));
    const tail = tailLines(log.stderr || log.stdout);
    return { kind: "exited", message: `${plan.name} ${now ? describeExit(now) : "vanished"} before it was ready${tail.length ? `:\n  ${tail.join("\n  ")}` : ""}` };
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    attached.abort();
    (output as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
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
