// The kubernetes runtime in the registry. Light: the runtime loads only when a lab uses it.
// It is available when a kubeconfig (or the Pod's service account) names a cluster whose API
// server answers; `auto` never picks it (runtime/index.ts).
import { kubernetesLabStateSchema, type KubernetesLabState, type RuntimeEntry } from "./types";

const PROBE_TIMEOUT_MS = 3000;

export const kubernetesRuntimeEntry: RuntimeEntry<KubernetesLabState> = {
  name: "kubernetes",
  available: async () => {
    const { loadKubeTarget } = await import("./kube-config");
    const { kubernetesOptionsFromEnv } = await import("./kubernetes");
    const { KubeApi } = await import("./kube-api");
    const options = kubernetesOptionsFromEnv();
    const loaded = loadKubeTarget(options.context ? { context: options.context } : {});
    if (!loaded.ok) return false;
    try {
      await new KubeApi(loaded.target, PROBE_TIMEOUT_MS).call("GET", "/version");
      return true;
    } catch {
      return false;
    }
  },
  unavailableHint: "no Kubernetes API server answers (a kubeconfig in KUBECONFIG or ~/.kube/config whose current context, or FLEXLAB_KUBE_CONTEXT, names a cluster that answers)",
  // The cluster pulls the router image itself, from a registry it can reach: nothing to make here.
  prepare: () => Promise.resolve({ ok: true }),
  create: async () => new (await import("./kubernetes")).KubernetesRuntime(),
  stateSchema: kubernetesLabStateSchema,
};
