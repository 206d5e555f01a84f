// The lab daemon's control channel (process runtime): HTTP on 127.0.0.1, one POST per
// operation, the lab token as a bearer token. Also the messages the daemon sends its parent
// over the IPC channel while deploying. Both sides validate with these schemas.
import { z } from "zod";
import { PLATFORM_NAMES } from "../router/config/platform";
import { DEPLOY_STEPS, impairmentStateSchema, linkChangeSchema, nodeStatusSchema, processLabStateSchema } from "./runtime/types";

export const CONTROL_OPS = ["status", "start-node", "stop-node", "restart-node", "own-process", "down", "link"] as const;
export type ControlOp = (typeof CONTROL_OPS)[number];

export const controlRequestSchema = z.object({ node: z.string().optional(), link: z.object({ index: z.number().int().nonnegative(), change: linkChangeSchema }).optional() });
export type ControlRequest = z.infer<typeof controlRequestSchema>;

const errorSchema = z.object({ code: z.string(), message: z.string() });

export const controlResponseSchema = z.union([
  z.object({ ok: z.literal(true), nodes: z.array(nodeStatusSchema) }),
  z.object({ ok: z.literal(false), error: errorSchema }),
]);
export type ControlResponse = z.infer<typeof controlResponseSchema>;

/** Parent → daemon, once, right after spawning it. */
export const deployMessageSchema = z.object({
  type: z.literal("deploy"),
  lab: z.object({
    dir: z.string(),
    name: z.string(),
    /** lab.yaml's `hosted:` (or `up --hosted`): routers per router host. */
    hosted: z.number().int().positive().optional(),
    nodes: z.array(z.object({ name: z.string(), kind: z.literal("router"), config: z.string(), platform: z.enum(PLATFORM_NAMES), ports: z.number().int().positive().optional(), hosted: z.boolean().optional() })),
    links: z.array(z.object({ index: z.number(), endpoints: z.array(z.object({ node: z.string(), iface: z.string() })), impair: impairmentStateSchema.optional() })),
  }),
  timeoutMs: z.number().int().positive(),
});
export type DeployMessage = z.infer<typeof deployMessageSchema>;

/** Daemon → parent while deploying. */
export const daemonMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), node: z.string(), step: z.enum(DEPLOY_STEPS), detail: z.string().optional() }),
  z.object({ type: z.literal("ready"), state: processLabStateSchema }),
  z.object({ type: z.literal("failed"), error: errorSchema }),
]);
export type DaemonMessage = z.infer<typeof daemonMessageSchema>;

/** The environment variable carrying the lab token from the CLI to the daemon. */
export const DAEMON_TOKEN_ENV = "FLEXLAB_LAB_TOKEN";
