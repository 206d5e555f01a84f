// The share of the public IOS corpus's command lines (test/fixtures/ios-configs/) that
// `flexlab config check` accepts: the figure issue 14 asks to keep at 95 % or more.
import { measureCorpus } from "../support/ios-corpus";
import type { Benchmark } from "./bench";

const benchmarks: Benchmark[] = [
  {
    name: "config.corpus.accepted",
    async run() {
      const corpus = await measureCorpus();
      return [
        { name: "config.corpus.accepted", value: Math.floor(corpus.percent * 10) / 10, unit: "%" },
        { name: "config.corpus.lines", value: corpus.lines, unit: "lines" },
        { name: "config.corpus.files", value: corpus.files.length, unit: "files" },
      ];
    },
  },
];
export default benchmarks;
