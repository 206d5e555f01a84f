// `flexlab config check FILE...`, `config show NODE`, `config apply NODE FILE`: IOS
// configurations, on disk and on the nodes of a running lab. Three subcommands of one group,
// so a node can be called "check". Declarations only; ../actions/ does the work.
import type { Command } from "commander";
import { withExamples, withJsonOption, withLabOption, type JsonOption, type LabOption } from "../options";

export function registerConfig(program: Command): void {
  const config = program.command("config").description("Check IOS config files, or show and change the config of a running node");

  const check = config
    .command("check")
    .description("Parse IOS configs with the router's own grammar and report each rejected line as FILE:LINE:COL")
    .argument("<files...>", "configuration files")
    .option("--warnings", "also list lines that are accepted but have no effect in a lab");
  withExamples(withJsonOption(check), ["flexlab config check labs/mpls-over-flexvpn/*.cfg", "flexlab config check --warnings --json R1.cfg"]).action(
    async (files: string[], options: JsonOption & { warnings?: boolean }) => (await import("../actions/config-check")).configCheck(files, options),
  );

  const show = withLabOption(config.command("show").description("Print a running node's running-config (or its startup-config)").argument("<node>")).option(
    "--startup",
    "print the startup-config instead",
  );
  withExamples(show, ["flexlab config show R1-HUB", "flexlab config show R1-HUB --startup"]).action(async (node: string, options: LabOption & { startup?: boolean }) =>
    (await import("../actions/node")).showConfig(node, options),
  );

  const apply = withLabOption(
    config
      .command("apply")
      .summary("Merge a file into a running node's config, or --replace it")
      .description("Merge a file's lines into a running node's config; with --replace the file becomes its whole config (refused, changing nothing, when any line is rejected)")
      .argument("<node>")
      .argument("<file>", "IOS configuration lines"),
  ).option("--replace", "the file becomes the whole running config, as `configure replace` makes it");
  withExamples(apply, ["flexlab config apply R1-HUB extra.cfg", "flexlab config apply R1-HUB R1-HUB.cfg --replace"]).action(
    async (node: string, file: string, options: LabOption & { replace?: boolean }) => (await import("../actions/node")).applyConfig(node, file, options),
  );
}
