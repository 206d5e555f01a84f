#!/usr/bin/env node
// `npm start`: the desktop app's entry. The app (electron/, renderer/) and its web mode have
// not landed yet, so there is no window to open and no UI to serve on localhost. Rather than
// pretend, say so and point at what runs today; exit non-zero because nothing was started.
const lines = [
  "FlexLab: the desktop app is not in this build yet (no electron/ or renderer/), so there is",
  "no window to open and no web UI to serve on localhost.",
  "",
  "What runs today is the command-line tool:",
  "  npx flexlab up labs/mpls-over-flexvpn      # process or Docker runtime",
  "  npx flexlab console R1-HUB                 # the router's IOS console",
  "  npx flexlab sim labs/two-routers --exec 'R1: ping 10.0.12.2'",
  "  npx flexlab --help                         # every command, with examples",
];
console.error(lines.join("\n"));
process.exit(1);
