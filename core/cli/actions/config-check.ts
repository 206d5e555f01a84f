// What `flexlab config check FILE...` does: each rejected line as FILE:LINE:COL on stdout (or
// every file's problems as JSON), a summary on stderr, exit 1 when any line is an error.
import { checkConfigFiles, formatCheckProblem, formatInertFamilies } from "../../lab/config-check";
import type { JsonOption } from "../options";

export async function configCheck(files: readonly string[], options: JsonOption & { warnings?: boolean }): Promise<void> {
  const results = await checkConfigFiles(files, options.warnings === true);
  let errors = 0;
  for (const r of results) {
    for (const p of r.problems) {
      if (!options.json) console.log(formatCheckProblem(p));
      if (p.severity === "error") errors++;
    }
    if (!options.json) for (const line of formatInertFamilies(r)) console.log(line);
  }
  if (options.json) process.stdout.write(JSON.stringify({ files: results, errors }, null, 2) + "\n");
  const checked = results.length === 1 ? "1 file" : `${results.length} files`;
  console.error(errors === 0 ? `${checked} checked: no errors` : `${checked} checked: ${errors} error${errors === 1 ? "" : "s"}`);
  if (errors > 0) process.exitCode = 1;
}
