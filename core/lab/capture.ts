// A node's frames into a pcapng file: starts a capture on the node's mgmt API and writes
// each frame it streams as an Enhanced Packet Block with nanosecond timestamps (Ethernet
// frames, or a tunnel's payloads behind Linux cooked headers), until
// `count` frames, the caller's signal, or the node going away.
import { createWriteStream } from "node:fs";
import type { MgmtClient } from "../api/mgmt-client";
import type { CapturedFrame } from "../api/mgmt";
import { LINKTYPE_ETHERNET, PcapngWriter } from "../router/wire/pcapng";
import type { Result } from "../api/result";

export interface CaptureOptions {
  /** Stop after this many frames. */
  readonly count?: number;
  /** Stop when aborted (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** The interface's name in the file, e.g. "R1 Ethernet0/0". */
  readonly label?: string;
  readonly onFrame?: (frames: number) => void;
  /** The node accepted the capture: frames follow. */
  readonly onStarted?: () => void;
  /** Each frame written, with its link type: for a live packet list. */
  readonly onPacket?: (frame: Uint8Array, linkType: number, timestampNs: bigint) => void;
}

export type CaptureResult = Result<{ frames: number; ended: "count" | "stopped" | "disconnected" }>;

export async function captureToFile(client: MgmtClient, iface: string, file: string, options: CaptureOptions = {}): Promise<CaptureResult> {
  const out = createWriteStream(file);
  const opened = await new Promise<Error | undefined>((resolve) => {
    out.once("open", () => resolve(undefined));
    out.once("error", resolve);
  });
  if (opened) return { ok: false, message: `cannot write ${file}: ${opened.message}` };
  const writer = new PcapngWriter((chunk) => out.write(chunk));
  // The link type comes with the capture's start (Ethernet on a port, Linux cooked on a
  // tunnel); frames pushed before that reply wait for it.
  let ifaceId: number | undefined = undefined;
  let linkType = LINKTYPE_ETHERNET;
  const early: CapturedFrame[] = [];
  let frames = 0;
  let finish: (ended: "count" | "stopped" | "disconnected") => void = () => {};
  const finished = new Promise<"count" | "stopped" | "disconnected">((resolve) => (finish = resolve));
  const onFrame = (f: CapturedFrame): void => {
    if (options.count !== undefined && frames >= options.count) return;
    if (ifaceId === undefined) {
      early.push(f);
      return;
    }
    const bytes = new Uint8Array(Buffer.from(f.frame, "base64"));
    writer.writePacket(ifaceId, BigInt(f.timestampNs), bytes);
    frames++;
    options.onPacket?.(bytes, linkType, BigInt(f.timestampNs));
    options.onFrame?.(frames);
    if (options.count !== undefined && frames >= options.count) finish("count");
  };
  const started = await client.capture(iface, onFrame);
  if (!started.ok) {
    await new Promise((resolve) => out.end(resolve));
    return { ok: false, message: started.error.message };
  }
  linkType = started.result.linkType ?? LINKTYPE_ETHERNET;
  ifaceId = writer.addInterface(options.label ?? iface, linkType, { tsresol: 9 });
  options.onStarted?.();
  for (const f of early.splice(0)) onFrame(f);
  const onAbort = (): void => finish("stopped");
  if (options.signal?.aborted) finish("stopped");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const unClose = client.onClose(() => finish("disconnected"));
  const ended = await finished;
  options.signal?.removeEventListener("abort", onAbort);
  unClose();
  if (ended !== "disconnected") await started.result.stop();
  await new Promise((resolve) => out.end(resolve));
  return { ok: true, frames, ended };
}
