// A swarm lab's objects as the swarm runtime finds them again: its services (whose tasks'
// containers go with them), its gateway container, and its networks (the overlays and the
// gateway's bridge), every one labelled `flexlab.lab=<name>`; and the swarm itself: whether
// this engine is a manager of one, and the tasks of a lab's services, read through a schema
// since the engine's task list is untyped.
import type Docker from "dockerode";
import { z } from "zod";
import { engineMessage, statusCodeOf } from "./docker-engine";
import { LABEL_DIR, labFilter } from "./docker-labels";
import { ignoreGone, SWARM_TASK_LABEL } from "./docker-objects";

const NETWORK_REMOVE_DEADLINE_MS = 30_000;
const RETRY_MS = 250;

export interface SwarmLabObjects {
  readonly services: readonly { readonly id: string; readonly name: string; readonly dir: string | undefined }[];
  /** The gateway (a plain container); task containers go with their services. */
  readonly containers: readonly { readonly id: string; readonly name: string; readonly dir: string | undefined }[];
  readonly networks: readonly { readonly id: string; readonly name: string; readonly dir: string | undefined }[];
}

export type SwarmRole = { readonly ok: true; readonly nodes: number } | { readonly ok: false; readonly message: string };

const infoSchema = z.object({
  Swarm: z.object({ LocalNodeState: z.string(), ControlAvailable: z.boolean().optional() }).optional(),
});

export const SWARM_INACTIVE_HINT = "this Docker engine is not a swarm manager: run `docker swarm init --advertise-addr 127.0.0.1` (or join it to a swarm as a manager)";

/** Whether the engine manages a swarm, and how many nodes it has. */
export async function swarmRole(docker: Docker): Promise<SwarmRole> {
  const info = infoSchema.safeParse(await docker.info());
  const swarm = info.success ? info.data.Swarm : undefined;
  if (swarm?.LocalNodeState !== "active" || !swarm.ControlAvailable) return { ok: false, message: SWARM_INACTIVE_HINT };
  const nodes = await docker.listNodes();
  return { ok: true, nodes: nodes.length };
}

const taskSchema = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().optional(),
  CreatedAt: z.string(),
  DesiredState: z.string(),
  Status: z.object({
    State: z.string(),
    Message: z.string().optional(),
    Err: z.string().optional(),
    ContainerStatus: z.object({ ContainerID: z.string().optional(), ExitCode: z.number().optional() }).optional(),
  }),
  NetworksAttachments: z.array(z.object({ Network: z.object({ ID: z.string() }), Addresses: z.array(z.string()).optional() })).optional(),
});
export type SwarmTask = z.infer<typeof taskSchema>;

/** A task state from which it runs no more (the engine's names). */
export function taskEnded(state: string): boolean {
  return ["complete", "shutdown", "failed", "rejected", "remove", "orphaned"].includes(state);
}

/** Every task of the given services, newest first per service; tasks the schema does not
 * fit are left out (an engine answering something else has no task we know how to read). */
export async function listServiceTasks(docker: Docker, serviceIds: readonly string[]): Promise<Map<string, SwarmTask[]>> {
  const byService = new Map<string, SwarmTask[]>(serviceIds.map((id) => [id, []]));
  if (!serviceIds.length) return byService;
  const answer: unknown = await docker.listTasks({ filters: { service: [...serviceIds] } });
  for (const raw of Array.isArray(answer) ? answer : []) {
    const task = taskSchema.safeParse(raw);
    if (task.success) byService.get(task.data.ServiceID)?.push(task.data);
  }
  for (const tasks of byService.values()) tasks.sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt));
  return byService;
}

export async function listSwarmObjects(docker: Docker, lab: string, dir?: string): Promise<SwarmLabObjects> {
  const filters = labFilter(lab, dir);
  const [services, containers, networks] = await Promise.all([
    // An engine that left its swarm (503) has no services any more: the gateway and the
    // bridge, plain objects, are still to be found and removed.
    docker.listServices({ filters }).catch((err: unknown) => (statusCodeOf(err) === 503 ? [] : Promise.reject(err))),
    docker.listContainers({ all: true, filters: { ...filters, label: [...filters.label, "flexlab.role=gateway"] } }),
    docker.listNetworks({ filters }),
  ]);
  return {
    services: services.map((s) => ({ id: s.ID ?? "", name: s.Spec?.Name ?? s.ID ?? "", dir: s.Spec?.Labels?.[LABEL_DIR] })).filter((s) => s.id),
    containers: containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ""), dir: c.Labels?.[LABEL_DIR] })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, dir: n.Labels?.[LABEL_DIR] })),
  };
}

/**
 * Removes a swarm lab: its services first (the swarm stops their tasks, SIGTERM then SIGKILL
 * after the grace period), then the gateway, then its networks, retried while the engine
 * still counts a stopping task's endpoint on them. Only objects from `dir` when given.
 * Resolves to what it removed; rejects naming what stays.
 */
export async function removeSwarmObjects(docker: Docker, lab: string, dir?: string): Promise<SwarmLabObjects> {
  const objects = await listSwarmObjects(docker, lab, dir);
  const problems: string[] = [];
  await Promise.all(
    objects.services.map(async (s) => {
      try {
        await ignoreGone(docker.getService(s.id).remove());
      } catch (err) {
        problems.push(`service ${s.name}: ${engineMessage(err)}`);
      }
    }),
  );
  await Promise.all(
    objects.containers.map(async (c) => {
      try {
        await ignoreGone(docker.getContainer(c.id).remove({ force: true }));
      } catch (err) {
        problems.push(`container ${c.name}: ${engineMessage(err)}`);
      }
    }),
  );
  const deadline = Date.now() + NETWORK_REMOVE_DEADLINE_MS;
  // The removed services' task containers on this node go as their tasks stop.
  while (objects.services.length && Date.now() < deadline) {
    const tasks = await docker.listContainers({ all: true, filters: { label: [...labFilter(lab, dir).label, SWARM_TASK_LABEL] } });
    if (!tasks.length) break;
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
  await Promise.all(
    objects.networks.map(async (n) => {
      for (;;) {
        try {
          await ignoreGone(docker.getNetwork(n.id).remove());
          return;
        } catch (err) {
          // A task of a removed service may still be stopping: its endpoint holds the network.
          if (Date.now() < deadline && /active endpoints|in use/i.test(engineMessage(err))) {
            await new Promise((r) => setTimeout(r, RETRY_MS));
            continue;
          }
          problems.push(`network ${n.name}: ${engineMessage(err)}`);
          return;
        }
      }
    }),
  );
  if (problems.length) throw new Error(`could not remove everything of lab ${lab}:\n  ${problems.join("\n  ")}`);
  return objects;
}
