// The kubernetes runtime's port-forwarder, a process of its own so the ports outlive `flexlab
// up`: `node --import tsx core/lab/runtime/kubernetes-forward-main.ts LABDIR`. It reads the
// lab's state file, finds the cluster again (the same kubeconfig context, which must still
// name the same API server), listens on 127.0.0.1 on every node's console and mgmt port and
// joins each connection to its Pod through the API server (kube-portforward.ts). It prints
// `flexlab-forward ready` once listening, logs refused forwards to stderr, and exits on
// SIGTERM or once the state file is gone (the lab was taken down).
import { readState } from "./state";
import { loadKubeTarget } from "./kube-config";
import { KubeApi } from "./kube-api";
import { CONSOLE_PORT, MGMT_PORT } from "./kubernetes-plan";
import { FORWARDER_READY_LINE, startForwarder, type ForwardRoute } from "./kube-portforward";

const STATE_POLL_MS = 2000;

function fail(message: string): never {
  process.stderr.write(`flexlab-forward: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) fail("usage: kubernetes-forward-main.ts LABDIR");
  const read = await readState(dir);
  if (!read.ok) fail(read.message);
  const state = read.state;
  if (state.runtime !== "kubernetes") fail(`the lab in ${dir} runs on ${state.runtime}, not kubernetes`);
  const loaded = loadKubeTarget({ context: state.kubernetes.context });
  if (!loaded.ok) fail(loaded.message);
  if (loaded.target.server !== state.kubernetes.server) {
    fail(`kubeconfig context ${state.kubernetes.context} now names ${loaded.target.server}, but lab ${state.lab} runs on ${state.kubernetes.server}`);
  }
  const api = new KubeApi({ ...loaded.target, namespace: state.kubernetes.namespace });
  const routes: ForwardRoute[] = state.nodes.flatMap((n) => {
    const pod = state.kubernetes.pods[n.name]?.name;
    return pod === undefined
      ? []
      : [
          { localPort: n.consolePort, pod, port: CONSOLE_PORT },
          { localPort: n.mgmtPort, pod, port: MGMT_PORT },
        ];
  });
  const forwarder = await startForwarder(api, routes, (text) => process.stderr.write(`flexlab-forward: ${new Date().toISOString()} ${text}\n`)).catch((err: unknown) =>
    fail(`cannot listen: ${err instanceof Error ? err.message : String(err)}`),
  );
  const stop = (): void => void forwarder.close().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  setInterval(() => {
    void readState(dir).then((now) => {
      if (!now.ok && now.reason === "missing") stop();
    });
  }, STATE_POLL_MS);
  process.stdout.write(`${FORWARDER_READY_LINE} ports=${forwarder.ports.join(",")}\n`);
}

await main();
