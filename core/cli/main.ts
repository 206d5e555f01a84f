// The `flexlab` command: one entry for engineers and scripts. Subcommands live in their own
// files and are registered here.
import { Command } from "commander";
import { registerConfigCheck } from "./commands/config-check";
import { registerConsole } from "./commands/console";
import { registerImage } from "./commands/image";
import { nodeLifecycle, registerLab } from "./commands/lab";
import { registerNodeCommands } from "./commands/node";
import { registerSim } from "./commands/sim";
import { withLabOption, type LabOption } from "./lab-context";

const program = new Command();
program
  .name("flexlab")
  .description("FlexLab — MPLS over FlexVPN labs on your laptop, running FlexLab's own router stack.")
  .version("0.1.0");

const NO_UI_YET = [
  "FlexLab's desktop app and its web mode are not in this build yet: labs run from the command line.",
  "  npx flexlab up labs/mpls-over-flexvpn     then   npx flexlab status | exec | console | tables | down",
  "  npx flexlab sim labs/two-routers --exec 'R1: ping 10.0.12.2'",
].join("\n");

// `start` alone is the desktop app (npm start); `start NODE` starts a node of the running lab.
withLabOption(program.command("start"))
  .description("Start the desktop app (or, without a display, serve its UI on localhost); with NODE: start that node of the running lab")
  .argument("[node]")
  .action(async (node: string | undefined, options: LabOption) => {
    if (node !== undefined) return nodeLifecycle("startNode", node, options);
    console.log(NO_UI_YET);
  });

program
  .command("serve")
  .description("Serve the desktop app's UI and LabApi on localhost (web mode)")
  .action(() => {
    console.error(NO_UI_YET);
    process.exitCode = 1;
  });

registerConfigCheck(program);
registerSim(program);
registerLab(program);
registerNodeCommands(program);
registerConsole(program);
registerImage(program);

await program.parseAsync(process.argv);
