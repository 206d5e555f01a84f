// Where a lab's checks come from: `checks:` in lab.yaml, or checks.yaml beside it (an
// exercise keeps its grading apart from its topology), never both. Problems are positioned in
// the file they are in, like lab.yaml's own.
import { join } from "node:path";
import { readConfigFile } from "../config-file";
import { LabFileError, readYamlDocument, type Lab, type LabProblem, type YamlData } from "../topology";
import { parseChecks, type Check } from "./spec";

export const CHECKS_FILE = "checks.yaml";

export interface LabChecks {
  /** The file they were read from; undefined when the lab has none. */
  readonly file: string | undefined;
  readonly checks: readonly Check[];
}

/** Reads and validates the lab's checks; a LabFileError names every problem. */
export async function loadChecks(lab: Pick<Lab, "dir"> & { readonly nodes: readonly { readonly name: string }[] }): Promise<LabChecks> {
  const labFile = join(lab.dir, "lab.yaml");
  const nodeNames = lab.nodes.map((n) => n.name);
  const fromLab = await readChecksIn(labFile);
  const checksFile = join(lab.dir, CHECKS_FILE);
  const fromFile = await readChecksIn(checksFile);
  if (fromLab.present && fromFile.present) {
    throw new LabFileError([fromFile.yaml.at(["checks"], `the checks are in lab.yaml already; keep them in one place (lab.yaml's checks: or ${CHECKS_FILE})`)]);
  }
  const [file, read] = fromFile.present ? [checksFile, fromFile] : [labFile, fromLab];
  if (!read.present) return { file: undefined, checks: [] };
  const parsed = parseChecks(read.data, nodeNames, read.yaml.at, ["checks"]);
  if (!parsed.ok) throw new LabFileError(parsed.problems);
  return { file, checks: parsed.checks };
}

type Read = { readonly present: false; readonly yaml?: undefined } | { readonly present: true; readonly data: unknown; readonly yaml: YamlData };

/** A checks file is a few kilobytes, as a lab file is. */
const MAX_CHECKS_FILE_BYTES = 1024 * 1024;

/** The `checks:` entry of a YAML file; absent file or entry: not present. */
async function readChecksIn(file: string): Promise<Read> {
  const read = await readConfigFile(file, MAX_CHECKS_FILE_BYTES);
  if (!read.ok) {
    if (read.reason === "no such file") return { present: false };
    const problem: LabProblem = { file, line: read.line, column: read.column, field: "", message: read.reason.replace("not a router config", "not a checks file") };
    throw new LabFileError([problem]);
  }
  const yaml = readYamlDocument(read.text, file);
  const data = yaml.data;
  if (data === null || data === undefined) return { present: false };
  if (typeof data !== "object" || Array.isArray(data)) throw new LabFileError([yaml.at([], `${file} maps "checks" to a list of checks`)]);
  if (!Object.hasOwn(data, "checks")) {
    if (file.endsWith(CHECKS_FILE)) throw new LabFileError([yaml.at([], `${CHECKS_FILE} holds one entry, "checks", a list of checks`)]);
    return { present: false };
  }
  if (file.endsWith(CHECKS_FILE)) {
    const extra = Object.keys(data).filter((k) => k !== "checks");
    if (extra.length) throw new LabFileError([yaml.at([extra[0]], `${CHECKS_FILE} holds one entry, "checks"; "${extra[0]}" belongs in lab.yaml`)]);
  }
  return { present: true, data: (data as { checks: unknown }).checks, yaml };
}
