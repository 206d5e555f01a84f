// One capture the app runs: started on a router interface through LabApi, its packets listed as
// they come (decoded by the lab, as `flexlab decode` does), stopped, then its pcapng file
// downloadable from web mode's /captures/.
import { onScopeDispose, ref, shallowRef, triggerRef, type Ref, type ShallowRef } from "vue";
import { LAB_CAPTURES_PATH, type LabEventData } from "../../core/api/lab-api";
import type { LabClient } from "../../core/api/lab-client";

/** Packets the list keeps; the file has them all. */
const MAX_LISTED = 1000;

export interface CaptureState {
  readonly target: Ref<{ node: string; iface: string } | undefined>;
  readonly packets: ShallowRef<LabEventData<"capture.packet">[]>;
  readonly frames: Ref<number>;
  readonly running: Ref<boolean>;
  /** Where the finished file downloads from. */
  readonly download: Ref<string | undefined>;
  readonly error: Ref<string | undefined>;
  start(node: string, iface: string): Promise<void>;
  stop(): Promise<void>;
}

export function useCapture(client: LabClient): CaptureState {
  const target = ref<{ node: string; iface: string }>();
  const packets = shallowRef<LabEventData<"capture.packet">[]>([]);
  const frames = ref(0);
  const running = ref(false);
  const download = ref<string>();
  const error = ref<string>();
  let captureId: number | undefined;

  const offPacket = client.on("capture.packet", (p) => {
    if (p.captureId !== captureId) return;
    frames.value = p.number;
    packets.value.push(p);
    if (packets.value.length > MAX_LISTED) packets.value.splice(0, packets.value.length - MAX_LISTED);
    triggerRef(packets);
  });
  const offEnded = client.on("capture.ended", (e) => {
    if (e.captureId !== captureId) return;
    running.value = false;
    frames.value = e.frames;
    download.value = `${LAB_CAPTURES_PATH.slice(1)}${encodeURIComponent(e.file)}`;
  });

  const stop = async (): Promise<void> => {
    if (captureId === undefined || !running.value) return;
    const reply = await client.call("capture.stop", { captureId });
    running.value = false;
    if (!reply.ok) return void (error.value = reply.error.message);
    frames.value = reply.result.frames;
    download.value = `${LAB_CAPTURES_PATH.slice(1)}${encodeURIComponent(reply.result.file)}`;
  };

  const start = async (node: string, iface: string): Promise<void> => {
    await stop();
    target.value = { node, iface };
    packets.value = [];
    frames.value = 0;
    download.value = undefined;
    error.value = undefined;
    captureId = undefined;
    const reply = await client.call("capture.start", { node, iface });
    if (!reply.ok) return void (error.value = reply.error.message);
    captureId = reply.result.captureId;
    running.value = true;
  };

  onScopeDispose(() => {
    void stop();
    offPacket();
    offEnded();
  });
  return { target, packets, frames, running, download, error, start, stop };
}
