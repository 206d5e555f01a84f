// The swarm runtime in the registry. Never picked by `auto` (a swarm is something one asks
// for); dockerode and the runtime load only when a lab uses it.
import { swarmLabStateSchema, type RuntimeEntry, type SwarmLabState } from "./types";

export const swarmRuntimeEntry: RuntimeEntry<SwarmLabState> = {
  name: "swarm",
  available: async () => (await import("./swarm")).swarmAvailable(),
  unavailableHint: "no Docker engine here manages a swarm (docker swarm init --advertise-addr 127.0.0.1, or run FlexLab on a manager)",
  // The services run the router image the docker runtime builds (pushed to lab.yaml's registry when it names one).
  prepare: async (onStep) => (await import("../image/build")).ensureRouterImage({ onStep: (text) => onStep(`router image: ${text}`) }),
  create: async () => new (await import("./swarm")).SwarmRuntime(),
  stateSchema: swarmLabStateSchema,
  removeLeftovers: async (lab) => (await import("./swarm")).removeLeftovers(lab),
};
