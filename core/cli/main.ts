// The `flexlab` command: one entry for engineers and scripts. Subcommands live in their own
// files and are registered here.
import { Command } from "commander";
import { registerConfigCheck } from "./commands/config-check";
import { registerSim } from "./commands/sim";

const program = new Command();
program
  .name("flexlab")
  .description("FlexLab — MPLS over FlexVPN labs on your laptop, running FlexLab's own router stack.")
  .version("0.1.0");

program
  .command("start")
  .description("Start the desktop app (or, without a display, serve its UI on localhost)")
  .action(() => {
    console.log("FlexLab's desktop app is not built yet: the router stack and the `flexlab` CLI come first.");
    console.log("Try `npx flexlab --help` for what works today.");
  });

registerConfigCheck(program);
registerSim(program);

await program.parseAsync(process.argv);
