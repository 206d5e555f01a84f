// The conversation between the lab daemon (process runtime, `hosted: N`) and a router host:
// one agent process holding several routers on the real clock (core/router/agent/host.ts).
// The daemon spawns it with an IPC channel and tells it which routers to start and stop;
// the host answers per router: ready (with its ports), failed to start, stopped, crashed
// (an exception of that router's own, with the error), and its log lines. Both sides
// validate with these schemas.
import { z } from "zod";

const port = z.number().int().min(0).max(65535);

/** Everything the agent's command line says about one router (main.ts), as data. */
export const hostedRouterSchema = z.object({
  name: z.string().min(1),
  /** The folder holding its startup-config (the lab folder). */
  dir: z.string().min(1),
  /** The startup-config's file name inside `dir`. */
  config: z.string().min(1),
  consolePort: port,
  mgmtPort: port,
  /** Its links, as the agent's `--port` specs: "Ethernet0/0=udp:LOCALPORT:REMOTEPORT". */
  ports: z.array(z.string()),
  /** Its place in the lab, from 1 (burned-in MACs aabb.cc00.NN00). */
  nodeIndex: z.number().int().min(1).max(0xffff).optional(),
  /** The hardware it pretends to be (the agent's --platform) and its port count. */
  platform: z.string().optional(),
  portCount: z.number().int().positive().optional(),
});
export type HostedRouter = z.infer<typeof hostedRouterSchema>;

/** Daemon → host. */
export const hostCommandSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), router: hostedRouterSchema }),
  z.object({ type: z.literal("stop"), name: z.string() }),
]);
export type HostCommand = z.infer<typeof hostCommandSchema>;

/** Host → daemon. */
export const hostEventSchema = z.discriminatedUnion("type", [
  /** The host listens for commands. */
  z.object({ type: z.literal("host-ready") }),
  z.object({ type: z.literal("ready"), name: z.string(), consolePort: port, mgmtPort: port }),
  /** Starting it failed (a port in use, an unreadable config); nothing of it is left. */
  z.object({ type: z.literal("failed"), name: z.string(), message: z.string() }),
  z.object({ type: z.literal("stopped"), name: z.string() }),
  /** An exception of this router escaped every guard: the router is closed, the others run on. */
  z.object({ type: z.literal("crashed"), name: z.string(), error: z.string() }),
  /** What the router would have written to its own stderr (startup-config problems, bugs). */
  z.object({ type: z.literal("log"), name: z.string(), text: z.string() }),
]);
export type HostEvent = z.infer<typeof hostEventSchema>;
