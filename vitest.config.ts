import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["core/**/*.test.ts", "test/**/*.test.ts", "renderer/**/*.test.ts", "electron/**/*.test.ts", "build/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**", "test/bench/**"],
    pool: "forks",
    testTimeout: 20_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
