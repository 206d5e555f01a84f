// The docker runtime in the registry. This file stays light: dockerode, the runtime and the
// image builder load only when a lab uses Docker.
import { dockerLabStateSchema, type DockerLabState, type RuntimeEntry } from "./types";

export const dockerRuntimeEntry: RuntimeEntry<DockerLabState> = {
  name: "docker",
  available: async () => (await import("./docker-engine")).dockerAvailable(),
  unavailableHint: "no Docker engine answers (is dockerd running?)",
  // A first `up` with Docker builds the router image (offline, a few seconds) rather than fail.
  prepare: async (onStep) => (await import("../image/build")).ensureRouterImage({ onStep: (text) => onStep(`router image: ${text}`) }),
  create: async () => new (await import("./docker")).DockerRuntime(),
  stateSchema: dockerLabStateSchema,
  removeLeftovers: async (lab) => (await import("./docker")).removeLeftovers(lab),
};
