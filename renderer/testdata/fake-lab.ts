// A lab on the other end of a LabClient, for component tests: answers each call from a table
// of handlers (validated by the same schemas as the real server) and pushes events on demand.
import type { z } from "zod";
import { LAB_METHODS, type LabEvent, type LabEventData, type LabMethod, type LabParams, type LabResult } from "../../core/api/lab-api";
import { LabClient } from "../../core/api/lab-client";

type Handlers = { [M in LabMethod]?: (params: LabParams<M>) => LabResult<M> | Promise<LabResult<M>> };

export class FakeLab {
  readonly client: LabClient;
  readonly calls: { method: string; params: unknown }[] = [];
  private deliver: (text: string) => void = () => {};

  constructor(private readonly handlers: Handlers) {
    this.client = new LabClient({
      send: (text) => void this.receive(text),
      close: () => {},
      onMessage: (handler) => (this.deliver = handler),
      onClose: () => {},
    });
  }

  emit<E extends LabEvent>(event: E, data: LabEventData<E>): void {
    this.deliver(JSON.stringify({ event, data }));
  }

  private async receive(text: string): Promise<void> {
    const { id, method, params } = JSON.parse(text) as { id: number; method: LabMethod; params: unknown };
    const parsed = (LAB_METHODS[method].params as z.ZodType).parse(params);
    this.calls.push({ method, params: parsed });
    const handler = this.handlers[method] as ((p: unknown) => unknown) | undefined;
    await Promise.resolve();
    if (!handler) return this.deliver(JSON.stringify({ id, error: { code: "unknown-method", message: `fake lab: no ${method}` } }));
    this.deliver(JSON.stringify({ id, result: await handler(parsed) }));
  }
}

/** The seed lab's shape: four routers, a two-end link and a three-end segment. */
export function seedView(state: "stopped" | "running" = "stopped"): LabResult<"lab.get"> {
  return {
    name: "mpls-over-flexvpn",
    dir: "/labs/mpls-over-flexvpn",
    runtime: "process",
    deployed: state === "running",
    busy: false,
    nodes: ["R1-HUB", "INET", "R3-Spoke1", "R4-Spoke"].map((name) => ({ name, state, config: `${name}.cfg` })),
    links: [
      { index: 0, endpoints: [{ node: "R1-HUB", iface: "Ethernet0/0" }, { node: "INET", iface: "Ethernet0/0" }] },
      { index: 1, endpoints: [{ node: "INET", iface: "Ethernet0/1" }, { node: "R3-Spoke1", iface: "Ethernet0/0" }, { node: "R4-Spoke", iface: "Ethernet0/0" }] },
    ],
  };
}
