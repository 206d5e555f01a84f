// The `flexlab` command: one entry for engineers and scripts. Each group of subcommands is
// declared in commands/ and does its work in actions/, loaded only when it runs, so
// `flexlab --help` loads commander and the declarations and nothing else.
import { Command, CommanderError } from "commander";
import manifest from "../../package.json" with { type: "json" };
import { registerCheck } from "./commands/check";
import { registerConfig } from "./commands/config";
import { registerDecode } from "./commands/decode";
import { registerImage } from "./commands/image";
import { registerLab } from "./commands/lab";
import { registerLink } from "./commands/link";
import { registerNodeCommands } from "./commands/node";
import { registerServe } from "./commands/serve";
import { registerSim } from "./commands/sim";

// `flexlab ... | head`: the reader went away, so there is no one left to write to. Stop
// quietly, as other command-line tools do, rather than crash on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
}

const program = new Command();
program
  .name("flexlab")
  .description("FlexLab — MPLS over FlexVPN labs on your laptop, running FlexLab's own router stack.")
  .version(manifest.version)
  .showHelpAfterError("(flexlab --help lists the commands; flexlab COMMAND --help, their options)")
  // A usage error exits 2, as our own usage checks do; subcommands inherit this.
  .exitOverride((err: CommanderError) => {
    throw err;
  })
  .addHelpText(
    "after",
    `
Examples:
  $ flexlab config check labs/mpls-over-flexvpn/*.cfg
  $ flexlab sim labs/two-routers --exec 'R1: ping 10.0.12.2'
  $ flexlab up labs/mpls-over-flexvpn && cd labs/mpls-over-flexvpn
  $ flexlab exec R4-Spoke "ping 172.16.0.1"   # finds the lab from the current folder, or --lab DIR
  $ flexlab check                              # grade the running lab against its checks
  $ flexlab down
  $ flexlab decode R1-Ethernet0_0.pcapng
  $ flexlab serve labs/mpls-over-flexvpn       # the app in a browser: prints the URL to open
`,
  );

registerConfig(program);
registerSim(program);
registerLab(program);
registerNodeCommands(program);
registerCheck(program);
registerLink(program);
registerImage(program);
registerDecode(program);
registerServe(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (!(err instanceof CommanderError)) throw err;
  // Help and --version "fail" with exit code 0; anything else commander rejects is usage.
  process.exitCode = err.exitCode === 0 ? 0 : 2;
}
