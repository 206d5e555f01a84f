// What every lab runtime (process, docker) offers the orchestrator, and the lab state it
// leaves behind in `<lab>/.flexlab/state.json` so a later CLI call finds the running lab.
// The state is JSON validated with zod on every read: it crosses process boundaries and may
// be left over from an older FlexLab.
import { z } from "zod";
import { impairmentSchema } from "../../api/link";
import type { Result } from "../../api/result";
import type { Lab } from "../topology";

/** Runtimes that deploy a lab for real (sim runs in-process and keeps no state). */
export const DEPLOY_RUNTIMES = ["process", "docker", "kubernetes", "swarm"] as const;
export type DeployRuntimeName = (typeof DEPLOY_RUNTIMES)[number];

export const NODE_STATES = ["starting", "running", "stopped", "crashed"] as const;
/** starting: spawned, not yet ready; running: ready and up; stopped: stopped on purpose;
 * crashed: exited (or its container died) without being asked to. */
export type NodeRunState = (typeof NODE_STATES)[number];

/** Steps reported while deploying, per node, in this order (failed may come at any point). */
export const DEPLOY_STEPS = ["pending", "network", "starting", "booting", "ready", "failed"] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];

const port = z.number().int().min(1).max(65535);

/** Where the runtimes so far put every node's console and mgmt API (a state file from before
 * `host` existed means this too). */
export const LOOPBACK_HOST = "127.0.0.1";

export const nodeStatusSchema = z.object({
  name: z.string(),
  state: z.enum(NODE_STATES),
  /** The address the console and mgmt ports are reached at: the runtime says, nobody assumes. */
  host: z.string().default(LOOPBACK_HOST),
  /** Telnet console on `host`. */
  consolePort: port,
  /** Mgmt API (WebSocket) on `host`. */
  mgmtPort: port,
  /** process runtime: the agent's pid while it runs (a hosted router's: its router host's). */
  pid: z.number().int().positive().optional(),
  /** process runtime with `hosted:`: the router host holding it (its `index` in the state's `hosts`). */
  hostProcess: z.number().int().nonnegative().optional(),
  /** docker runtime: the container's id. */
  containerId: z.string().optional(),
  /** Set once the node has exited: its exit code (null when killed by a signal). */
  exitCode: z.number().int().nullable().optional(),
  /** Signal that ended it, e.g. "SIGKILL". */
  signal: z.string().optional(),
  /** The last lines the node wrote to stderr (or the container log), newest last, for a crash report. */
  stderrTail: z.array(z.string()).optional(),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

/** How a client reaches a node: its console (telnet) and mgmt API (WebSocket). */
export type NodeEndpoint = Pick<NodeStatus, "host" | "consolePort" | "mgmtPort">;

export const nodeStateSchema = nodeStatusSchema.extend({
  /** Startup-config file, relative to the lab folder. */
  config: z.string(),
  /** The node's own folder (absolute): process logs, docker bind mounts. */
  dir: z.string(),
});
export type NodeState = z.infer<typeof nodeStateSchema>;

export const linkEndpointStateSchema = z.object({
  node: z.string(),
  /** Canonical interface name, e.g. "Ethernet0/0". */
  iface: z.string(),
  /** The endpoint's MAC when the runtime knows it (docker), "aa:bb:cc:dd:ee:ff". */
  mac: z.string().optional(),
  /** process runtime: the bridge's UDP port for this endpoint (127.0.0.1). */
  bridgePort: port.optional(),
  /** process runtime: the node's own UDP port for this interface (127.0.0.1). */
  nodePort: port.optional(),
  /** kubernetes runtime: this end's UDP tunnel port in its Pod. */
  tunnelPort: port.optional(),
});
export type LinkEndpointState = z.infer<typeof linkEndpointStateSchema>;

/** A link's impairment as numbers (io/impair.ts's Impairment), as the state file keeps it. */
export const impairmentStateSchema = impairmentSchema;

/** What `flexlab link` changes on a running link: its impairment (null clears it), its cable. */
export const linkChangeSchema = z.object({
  impair: impairmentStateSchema.nullable().optional(),
  carrier: z.enum(["up", "down"]).optional(),
});
export type LinkChange = z.infer<typeof linkChangeSchema>;

export const linkStateSchema = z.object({
  /** Position in lab.yaml's links list: the link's id. */
  index: z.number().int().nonnegative(),
  endpoints: z.array(linkEndpointStateSchema),
  /** process runtime: a learning bridge inside the lab daemon. */
  bridge: z.object({ kind: z.literal("udp") }).optional(),
  /** docker runtime: the Docker network carrying this link. */
  network: z.object({ id: z.string(), name: z.string(), subnet: z.string().optional() }).optional(),
  /** The impairment in force (lab.yaml's, or `flexlab link … impair`); absent: none. */
  impair: impairmentStateSchema.optional(),
  /** "down" while its cable is pulled (`flexlab link … down`); absent: up. */
  carrier: z.literal("down").optional(),
});
export type LinkState = z.infer<typeof linkStateSchema>;

/** What every lab state file holds, whatever runs the lab. */
const labStateBase = z.object({
  version: z.literal(1),
  /** lab.yaml's name. */
  lab: z.string(),
  /** The lab folder (absolute). */
  dir: z.string(),
  /** Per-lab random secret for the mgmt API (and the daemon's control channel). */
  token: z.string().min(16),
  /** ISO 8601. */
  createdAt: z.string(),
  nodes: z.array(nodeStateSchema),
  links: z.array(linkStateSchema),
  /** While `flexlab up` is still deploying the lab: that process. `down` stops it first, which
   * cancels the deploy (it takes down what it made), then removes whatever is left. */
  deploying: z.object({ pid: z.number().int().positive(), startTicks: z.number().int().nonnegative().optional() }).optional(),
});

/** The process runtime's lab: a lab daemon holds the bridges and supervises the agents. */
export const processLabStateSchema = labStateBase.extend({
  runtime: z.literal("process"),
  daemon: z.object({ pid: z.number().int().positive(), controlPort: port }),
  /** `hosted: N`: the router hosts, each one agent process holding up to N routers (pid while it runs). */
  hosts: z.array(z.object({ index: z.number().int().nonnegative(), pid: z.number().int().positive().optional(), nodes: z.array(z.string()) })).optional(),
});
export type ProcessLabState = z.infer<typeof processLabStateSchema>;

/** The docker runtime's lab: the engine holds everything; these are the lab-wide objects. */
export const dockerLabStateSchema = labStateBase.extend({
  runtime: z.literal("docker"),
  docker: z.object({
    image: z.string(),
    mgmtNetwork: z.object({ id: z.string(), name: z.string() }).optional(),
  }),
});
export type DockerLabState = z.infer<typeof dockerLabStateSchema>;

/** The kubernetes runtime's lab: the cluster holds the Pods; a forwarder process of ours
 * holds the console and mgmt ports on 127.0.0.1 (port-forwards through the API server). */
export const kubernetesLabStateSchema = labStateBase.extend({
  runtime: z.literal("kubernetes"),
  kubernetes: z.object({
    /** The kubeconfig context, and its API server, the lab was deployed to. */
    context: z.string(),
    server: z.string(),
    namespace: z.string(),
    image: z.string(),
    /** Per node: its Pod's name, its address once it has one, and its manifest (a Pod cannot
     * be stopped and started: `flexlab start` makes it anew from this). */
    pods: z.record(z.string(), z.object({ name: z.string(), ip: z.string().optional(), manifest: z.record(z.string(), z.unknown()) })),
    forwarder: z.object({ pid: z.number().int().positive(), startTicks: z.number().int().nonnegative().optional() }).optional(),
  }),
});
export type KubernetesLabState = z.infer<typeof kubernetesLabStateSchema>;

/** The swarm runtime's lab: a service per router on the swarm, overlays for links and
 * management, and the gateway container on the manager that holds the loopback ports. */
export const swarmLabStateSchema = labStateBase.extend({
  runtime: z.literal("swarm"),
  swarm: z.object({
    /** The image reference the services run (lab.yaml's registry's, or the local tag). */
    image: z.string(),
    mgmtNetwork: z.object({ id: z.string(), name: z.string(), subnet: z.string() }).optional(),
    gateway: z.object({ name: z.string(), containerId: z.string().optional(), network: z.object({ id: z.string(), name: z.string() }) }).optional(),
    /** Node name → its service's id. */
    services: z.record(z.string(), z.string()).default({}),
  }),
});
export type SwarmLabState = z.infer<typeof swarmLabStateSchema>;

/** One variant per deploy runtime (its registry entry's `stateSchema`), told apart by `runtime`. */
export const labStateSchema = z.discriminatedUnion("runtime", [processLabStateSchema, dockerLabStateSchema, kubernetesLabStateSchema, swarmLabStateSchema]);
export type LabState = z.infer<typeof labStateSchema>;

export interface DeployOptions {
  /** Called as each node moves through the deploy steps; `detail` is a short human note. */
  readonly onProgress?: (node: string, step: DeployStep, detail?: string) => void;
  /** Give up (and clean up) when nodes are not all ready by then. Default: runtime's own. */
  readonly timeoutMs?: number;
  /** Aborting it cancels the deploy: the runtime takes down what it made so far (and the
   * state file) and rejects with RuntimeError "interrupted". */
  readonly signal?: AbortSignal;
}

/** Why a runtime operation failed, for a clear CLI message. */
export type RuntimeErrorCode =
  | "no-such-node" // detail lists the lab's node names
  | "port-in-use"
  | "engine-unavailable" // docker not answering, daemon gone
  | "image-missing" // docker: the router image is not built (`flexlab image build`)
  | "node-failed" // a node exited or never became ready during deploy/start
  | "already-running" // a lab state already exists for this folder and its runtime answers
  | "timeout"
  | "interrupted" // the deploy was cancelled (Ctrl-C, SIGTERM, or a `down` meanwhile)
  | "internal";

export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

/**
 * One way of running a lab. Every method rejects with a RuntimeError for expected failures.
 *
 * The runtime owns the state file: `deploy` writes `<lab.dir>/.flexlab/state.json` (atomically,
 * see state.ts) before it resolves, node operations keep it current, `destroy` removes it.
 * Node names given to node operations are validated (RuntimeError "no-such-node").
 */
export interface Runtime<S extends LabState = LabState> {
  readonly name: S["runtime"];
  /** Creates links and nodes and resolves when every node is ready (answers on mgmt). On
   * failure it removes whatever it created before rejecting. */
  deploy(lab: Lab, options?: DeployOptions): Promise<S>;
  /** Stops every node and removes everything the lab made, including the state file. */
  destroy(state: S): Promise<void>;
  /** Starts a stopped or crashed node; resolves when it is ready. */
  startNode(state: S, node: string): Promise<NodeStatus>;
  /** Stops a node on purpose (SIGTERM, then SIGKILL after 3 s); its links stay. */
  stopNode(state: S, node: string): Promise<NodeStatus>;
  restartNode(state: S, node: string): Promise<NodeStatus>;
  /** Restarts a node in a process of its own, out of the process it shares with others
   * (process runtime, `hosted:`), for as long as the lab runs. Absent where each node has its own. */
  restartInOwnProcess?(state: S, node: string): Promise<NodeStatus>;
  /** Current status of every node, in lab.yaml order. */
  status(state: S): Promise<NodeStatus[]>;
  /** Impairs, clears, pulls or plugs link `index` (its position in lab.yaml) while the lab
   * runs; the state file shows the link as it is afterwards. Absent where a runtime cannot. */
  changeLink?(state: S, index: number, change: LinkChange): Promise<void>;
}

/**
 * One way of running labs as the rest of FlexLab knows it: a name, whether it can run here,
 * what it needs in place first, the runtime itself (loaded only when used), and its variant
 * of the lab state file. runtime/index.ts lists them; a new runtime is one file exporting its
 * entry, its state variant above, and a line in that list.
 */
export interface RuntimeEntry<S extends LabState = LabState> {
  readonly name: S["runtime"];
  /** Whether labs can run on it here, now (docker: an engine answers). Never rejects. */
  available(): Promise<boolean>;
  /** What to tell the user when it is asked for and not available. */
  readonly unavailableHint: string;
  /** Whatever must exist before its first deploy, made when missing (docker: the router
   * image); `onStep` gets a short note per step. */
  prepare(onStep: (text: string) => void): Promise<Result<object>>;
  create(): Promise<Runtime<S>>;
  /** Its part of the lab state file (one variant of labStateSchema). */
  readonly stateSchema: z.ZodType<S>;
  /** Removes what a lab from `lab.dir` left without a state file to name it, found some other
   * way (docker: by label); names what went. Absent when a runtime can leave nothing so. */
  removeLeftovers?(lab: Pick<Lab, "name" | "dir">): Promise<string[]>;
}
