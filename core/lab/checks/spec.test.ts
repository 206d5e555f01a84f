import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TABLE_NAMES } from "../../api/tables";
import { formatProblem, LabFileError, readYamlDocument } from "../topology";
import { loadChecks } from "./load";
import { parseChecks } from "./spec";

const NODES = ["R1", "R2"];

function parse(yaml: string) {
  const doc = readYamlDocument(yaml, "lab.yaml");
  const data = (doc.data as { checks: unknown }).checks;
  const r = parseChecks(data, NODES, doc.at, ["checks"]);
  return r.ok ? { checks: r.checks, problems: [] } : { checks: [], problems: r.problems.map(formatProblem) };
}

describe("exercise checks in lab.yaml", () => {
  it("reads each kind of check with its defaults", () => {
    const { checks, problems } = parse(`checks:
  - { title: route, node: R1, points: 2, table: { name: routes, where: { prefix: 2.2.2.2/32, paths.labels: { exists: true }, code: { matches: "^S" } } } }
  - { title: ping, node: R1, hint: look at R2, wait: 30s, ping: { target: 2.2.2.2 } }
  - { title: trace, node: R2, traceroute: { target: 1.1.1.1, maxHops: 3 } }
  - { title: conf, node: R2, config: { line: "ip nhrp shortcut", under: interface Tunnel0, present: false } }
  - { title: exec, node: R2, exec: { command: show ip interface brief, notMatch: "down" } }
`);
    expect(problems).toEqual([]);
    expect(checks.map((c) => [c.kind, c.points, c.waitMs])).toEqual([
      ["table", 2, 0],
      ["ping", 1, 30_000],
      ["traceroute", 1, 0],
      ["config", 1, 0],
      ["exec", 1, 0],
    ]);
    expect(checks[1]).toMatchObject({ kind: "ping", repeat: 5, minSuccess: 80, maxSuccess: 100, hint: "look at R2" });
    expect(checks[2]).toMatchObject({ kind: "traceroute", maxHops: 3 });
    expect(checks[3]).toMatchObject({ kind: "config", present: false, under: "interface Tunnel0" });
    expect(checks[4]).toMatchObject({ kind: "exec", mustMatch: false });
  });

  it("points at each problem's line, column and field", () => {
    expect(
      parse(`checks:
  - title: x
    node: R1
    ping: { target: 2.2.2.300 }
  - title: y
    node: R1
    exec: { command: show ip route, match: "(a" }
  - title: z
    node: R1
    table: { name: routez }
  - title: u
    node: R1
    wait: forever
    config: { line: x }
`).problems,
    ).toEqual([
      "lab.yaml:4:21: checks[0].ping.target: an IPv4 address, e.g. 10.0.12.2",
      "lab.yaml:7:44: checks[1].exec.match: % Invalid regular expression: unmatched ( at character 1",
      `lab.yaml:10:20: checks[2].table.name: a table is one of ${TABLE_NAMES.join(", ")}`,
      "lab.yaml:13:11: checks[3].wait: a duration is e.g. 500ms, 30s or 2m (at most 10m)",
    ]);
  });

  it("names unknown nodes and table fields, and a check doing two things or none", () => {
    expect(
      parse(`checks:
  - { title: a, node: R3, config: { line: x } }
  - { title: b, node: R1, table: { name: routes, where: { prefx: 1 } } }
  - { title: c, node: R1, config: { line: x }, ping: { target: 1.1.1.1 } }
  - { title: d, node: R1 }
  - { title: e, node: R1, traceroute: { target: 1.1.1.1, hops: 2, maxHops: 3 } }
`).problems,
    ).toEqual([
      'lab.yaml:2:23: checks[0].node: node "R3" is not defined under nodes (nodes: R1, R2)',
      'lab.yaml:3:66: checks[1].table.where.prefx: routes rows have no field "prefx" (fields: vrf, code, protocol, prefix, distance, metric, paths, ageSeconds, tag, knownVia, from)',
      "lab.yaml:4:5: checks[2]: a check does one thing: ping and config are given",
      "lab.yaml:5:5: checks[3]: a check needs one of exec, table, ping, traceroute, config",
      "lab.yaml:6:39: checks[4].traceroute: traceroute takes hops (exactly) or maxHops (at most), not both",
    ]);
  });

  it("refuses an exec check with both match and notMatch", () => {
    expect(parse(`checks:\n  - { title: a, node: R1, exec: { command: show clock, match: a, notMatch: b } }\n`).problems).toEqual([
      "lab.yaml:2:33: checks[0].exec: exec takes one of match (a line must match) or notMatch (no line may)",
    ]);
  });
});

describe("where checks come from", () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const lab = () => ({ dir, nodes: NODES.map((name) => ({ name })) });

  it("reads checks.yaml beside lab.yaml, and none when neither has them", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexlab-checks-"));
    await writeFile(join(dir, "lab.yaml"), "name: x\nnodes: {}\n");
    expect(await loadChecks(lab())).toEqual({ file: undefined, checks: [] });
    await writeFile(join(dir, "checks.yaml"), "checks:\n  - { title: a, node: R1, config: { line: hostname R1 } }\n");
    const loaded = await loadChecks(lab());
    expect(loaded.file).toBe(join(dir, "checks.yaml"));
    expect(loaded.checks.map((c) => c.title)).toEqual(["a"]);
  });

  it("refuses checks in both places, pointing at checks.yaml", async () => {
    dir = await mkdtemp(join(tmpdir(), "flexlab-checks-"));
    await writeFile(join(dir, "lab.yaml"), "name: x\nnodes: {}\nchecks: []\n");
    await writeFile(join(dir, "checks.yaml"), "checks: []\n");
    const err = await loadChecks(lab()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabFileError);
    expect((err as LabFileError).message).toBe(`${join(dir, "checks.yaml")}:1:9: checks: the checks are in lab.yaml already; keep them in one place (lab.yaml's checks: or checks.yaml)`);
  });
});
