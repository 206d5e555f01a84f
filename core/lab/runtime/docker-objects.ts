// The engine's objects as the docker runtime finds them again: everything labelled with a
// lab's name (to destroy it, or to notice a lab of that name is already there), and every
// subnet any network uses (so a new lab's subnets collide with none).
import type Docker from "dockerode";
import { engineMessage, statusCodeOf } from "./docker-engine";
import { LABEL_DIR, labFilter } from "./docker-labels";
import { parseCidrMasked, type Cidr } from "./docker-subnets";

export interface LabObjects {
  readonly containers: readonly { readonly id: string; readonly name: string; readonly dir: string | undefined }[];
  readonly networks: readonly { readonly id: string; readonly name: string; readonly dir: string | undefined }[];
}

/** A swarm service's task container carries this label; the swarm runtime removes those with
 * their services (swarm-objects.ts), and their overlay networks after them. */
export const SWARM_TASK_LABEL = "com.docker.swarm.service.id";

/** The lab's containers and networks the docker runtime made and removes: not a swarm lab's
 * services' tasks, nor its swarm-scoped overlays. */
export async function listLabObjects(docker: Docker, lab: string, dir?: string): Promise<LabObjects> {
  const filters = labFilter(lab, dir);
  const [all, allNetworks] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters })]);
  const containers = all.filter((c) => c.Labels?.[SWARM_TASK_LABEL] === undefined);
  const networks = allNetworks.filter((n) => n.Scope !== "swarm");
  return {
    containers: containers.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ""), dir: c.Labels?.[LABEL_DIR] })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, dir: n.Labels?.[LABEL_DIR] })),
  };
}

/** The lab folders other than `dir` that objects of this lab name came from. */
export function otherDirs(objects: LabObjects, dir: string): string[] {
  const dirs = new Set<string>();
  for (const o of [...objects.containers, ...objects.networks]) if (o.dir !== undefined && o.dir !== dir) dirs.add(o.dir);
  return [...dirs];
}

/** Awaits `work`; an object already gone (404) is no failure. */
export async function ignoreGone(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (statusCodeOf(err) === 404) return;
    throw err;
  }
}

/**
 * Removes every container, then every network, labelled with the lab's name: exactly what
 * the lab made. Containers are stopped first with SIGTERM (the agent exits at once) so a
 * router never dies mid-write. Only what came from the folder `dir`, when given. Resolves to
 * what it removed; rejects with the engine's messages when something stays.
 */
export async function removeLabObjects(docker: Docker, lab: string, graceSec: number, dir?: string): Promise<LabObjects> {
  const objects = await listLabObjects(docker, lab, dir);
  const problems: string[] = [];
  await Promise.all(
    objects.containers.map(async (c) => {
      const container = docker.getContainer(c.id);
      try {
        await ignoreGone(container.stop({ t: graceSec }).catch((err: unknown) => (statusCodeOf(err) === 304 ? undefined : Promise.reject(err))));
        await ignoreGone(container.remove({ force: true }));
      } catch (err) {
        problems.push(`container ${c.name}: ${engineMessage(err)}`);
      }
    }),
  );
  await Promise.all(
    objects.networks.map(async (n) => {
      try {
        await ignoreGone(docker.getNetwork(n.id).remove());
      } catch (err) {
        problems.push(`network ${n.name}: ${engineMessage(err)}`);
      }
    }),
  );
  if (problems.length) throw new Error(`could not remove everything of lab ${lab}:\n  ${problems.join("\n  ")}`);
  return objects;
}

/** Every IPv4 subnet the engine's networks use, whoever made them. */
export async function usedSubnets(docker: Docker): Promise<Cidr[]> {
  const networks = await docker.listNetworks();
  const used: Cidr[] = [];
  for (const n of networks) {
    for (const config of n.IPAM?.Config ?? []) {
      const subnet = config.Subnet ? parseCidrMasked(config.Subnet) : undefined;
      if (subnet) used.push(subnet);
    }
  }
  return used;
}
