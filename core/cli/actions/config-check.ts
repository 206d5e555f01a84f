// `flexlab config check FILE...`
import type { Command } from "commander";

export function registerConfigCheck(program: Command): void {
  const config = program.command("config").description("Work with IOS configurations");
  config
    .command("check")
    .description("Parse IOS configs with the router's own grammar and report each rejected line as FILE:LINE:COL")
    .argument("<files...>", "configuration files")
    .option("--warnings", "also list lines that are accepted but have no effect in a lab")
    .action(async (files: string[], options: { warnings?: boolean }) => {
      // Loaded here, not at the top: the command grammar is only needed by this command.
      const { checkConfigFiles, formatCheckProblem } = await import("../../lab/config-check");
      const results = await checkConfigFiles(files, options.warnings === true);
      let errors = 0;
      for (const r of results) {
        for (const p of r.problems) {
          console.log(formatCheckProblem(p));
          if (p.severity === "error") errors++;
        }
      }
      const files_ = results.length === 1 ? "1 file" : `${results.length} files`;
      console.error(errors === 0 ? `${files_} checked: no errors` : `${files_} checked: ${errors} error${errors === 1 ? "" : "s"}`);
      if (errors > 0) process.exitCode = 1;
    });
}
