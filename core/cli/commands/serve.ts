// `flexlab serve [LABDIR] [--port N]`: the app in a browser (web mode). Declaration only;
// ../actions/serve.ts does the work, loaded when it runs.
import { InvalidArgumentError, Option, type Command } from "commander";
import type { UpRuntimeName } from "../../lab/runtime/index";
import { withExamples } from "../options";

const UP_RUNTIMES = ["auto", "docker", "process", "swarm"] as const satisfies readonly UpRuntimeName[];

function portArg(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new InvalidArgumentError("not a port (0-65535; 0 picks a free one).");
  return n;
}

export function registerServe(program: Command): void {
  const serve = program
    .command("serve")
    .description("Serve the app on 127.0.0.1 for a browser, with a per-run token; prints one line, the URL to open")
    .argument("[labdir]", "lab folder (holding lab.yaml)", ".")
    .option("--port <n>", "port to listen on (default: a free one)", portArg)
    .addOption(new Option("--runtime <runtime>", "where the app's Start runs the routers (default: lab.yaml's runtime)").choices(UP_RUNTIMES));
  withExamples(serve, ["flexlab serve labs/mpls-over-flexvpn", "flexlab serve labs/two-routers --port 8080 --runtime process"]).action(
    async (labdir: string, options: { port?: number; runtime?: UpRuntimeName }) => (await import("../actions/serve")).serve(labdir, options),
  );
}
