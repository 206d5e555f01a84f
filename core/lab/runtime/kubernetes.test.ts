import { describe, expect, it } from "vitest";
import { FLEXLAB_VERSION, ROUTER_IMAGE } from "../image/tag";
import { kubernetesOptionsFromEnv, KubernetesRuntime } from "./kubernetes";

describe("the kubernetes runtime's settings", () => {
  it("take the router image from a registry, or whole, and the context and namespace, from the environment", () => {
    expect(kubernetesOptionsFromEnv({})).toEqual({});
    expect(kubernetesOptionsFromEnv({ FLEXLAB_KUBE_REGISTRY: "registry.example:5000/" })).toEqual({ image: `registry.example:5000/flexlab/router:${FLEXLAB_VERSION}` });
    expect(kubernetesOptionsFromEnv({ FLEXLAB_KUBE_REGISTRY: "r.example", FLEXLAB_KUBE_IMAGE: "ghcr.io/me/router:dev" })).toEqual({ image: "ghcr.io/me/router:dev" });
    expect(kubernetesOptionsFromEnv({ FLEXLAB_KUBE_CONTEXT: "kind-lab", FLEXLAB_KUBE_NAMESPACE: "class-1" })).toEqual({ context: "kind-lab", namespace: "class-1" });
    expect(ROUTER_IMAGE).toBe(`flexlab/router:${FLEXLAB_VERSION}`);
  });

  it("refuses to deploy without a cluster, saying where it looked", async () => {
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = "/nonexistent/kubeconfig";
    try {
      const lab = { dir: "/tmp/x", name: "x", runtime: "kubernetes" as const, nodes: [], links: [] };
      await expect(new KubernetesRuntime({}).deploy(lab)).rejects.toMatchObject({ code: "engine-unavailable", message: expect.stringContaining("/nonexistent/kubeconfig") });
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });
});
