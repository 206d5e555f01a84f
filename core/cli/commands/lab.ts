// `flexlab up [LAB]`, `status`, `down`, and `start|stop|restart NODE`: a lab's lifecycle.
// Declarations only; ../actions/lab.ts does the work, loaded when one of them runs.
import { InvalidArgumentError, Option, type Command } from "commander";
import { HOSTED_RULE, MAX_HOSTED } from "../../lab/topology";
import type { UpRuntimeName } from "../../lab/runtime/index";
import { DURATION_FORMAT, durationArg, withExamples, withJsonOption, withLabOption, type JsonOption, type LabOption } from "../options";

/** What `up --runtime` takes; `sim` is `flexlab sim`. */
const UP_RUNTIMES = ["auto", "docker", "process", "kubernetes", "swarm"] as const satisfies readonly UpRuntimeName[];

const actions = () => import("../actions/lab");

function hostedArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_HOSTED) throw new InvalidArgumentError(HOSTED_RULE.replace(/^hosted is/, "it is"));
  return n;
}

export function registerLab(program: Command): void {
  const up = program
    .command("up")
    .description("Deploy a lab: one router per node, one bridge per link; returns when every node is ready")
    .argument("[labdir]", "lab folder (holding lab.yaml); the current folder when left out", ".")
    .addOption(new Option("--runtime <runtime>", "where the routers run (default: lab.yaml's runtime; auto: docker when an engine answers, else process)").choices(UP_RUNTIMES))
    .option("--timeout <duration>", `give up when a node is not ready after this long (${DURATION_FORMAT})`, durationArg(1, 3_600_000))
    .option("--hosted <n>", `process runtime: up to n routers share one process (default: lab.yaml's hosted:, else one process each)`, hostedArg);
  withExamples(withJsonOption(up), ["flexlab up labs/mpls-over-flexvpn", "flexlab up   (in a lab folder)", "flexlab up labs/two-routers --runtime process --timeout 2m", "flexlab up labs/big-chain --runtime process --hosted 50"]).action(
    async (labdir: string, options: JsonOption & { runtime?: UpRuntimeName; timeout?: number; hosted?: number }) => (await actions()).up(labdir, options),
  );

  const status = withLabOption(program.command("status").description("State and ports of each node of the running lab"));
  withExamples(withJsonOption(status), ["flexlab status", "flexlab status --lab labs/two-routers --json"]).action(async (options: LabOption & JsonOption) => (await actions()).status(options));

  const down = withLabOption(program.command("down").description("Stop every node and remove everything the lab made"));
  withExamples(withJsonOption(down), ["flexlab down", "flexlab down --lab labs/two-routers"]).action(async (options: LabOption & JsonOption) => (await actions()).down(options));

  const lifecycle = [
    ["start", "startNode", "Start one node of the running lab (after `flexlab stop NODE`)"],
    ["stop", "stopNode", "Stop one node (its links stay)"],
    ["restart", "restartNode", "Restart one node: it boots again from its startup-config"],
  ] as const;
  for (const [name, op, description] of lifecycle) {
    const command = withLabOption(program.command(name).description(description).argument("<node>"));
    if (name !== "restart") {
      withExamples(command, [`flexlab ${name} R1`]).action(async (node: string, options: LabOption) => (await actions()).nodeLifecycle(op, node, options));
      continue;
    }
    command.option("--own-process", "process runtime, hosted lab: restart it in a process of its own, out of its router host (until the lab goes down)");
    withExamples(command, ["flexlab restart R1", "flexlab restart R7 --own-process"]).action(async (node: string, options: LabOption & { ownProcess?: boolean }) =>
      (await actions()).nodeLifecycle(options.ownProcess ? "restartInOwnProcess" : op, node, options),
    );
  }
}
