import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NO_DEVTOOLS = { group: ["**/devtools/**"], message: "src/ must not import devtools/ (it is not shipped)" };
const NO_OCTOKIT = {
  group: ["@octokit/rest", "@octokit/core", "octokit"],
  message: "only the I/O modules import Octokit (see eslint.config.js); the gate uses the port in src/github/port.ts",
};

export default tseslint.config(
  { ignores: ["lib/", "coverage/", "node_modules/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The package ships src/ only: the simulator and the demo are development tools. And Octokit
    // stays at the I/O edges: the gate's orchestration and the core see the port (src/github/port.ts).
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [NO_DEVTOOLS, NO_OCTOKIT] }],
    },
  },
  {
    // The modules that talk to GitHub (or build the client): they may name Octokit's types.
    files: [
      "src/github/**/*.ts",
      "src/facts/**/*.ts",
      "src/publish.ts",
      "src/handlers/**/*.ts",
      "src/server/**/*.ts",
      "src/cli/**/*.ts",
      "src/deploy/gate.ts",
      "src/doctor/read.ts",
      "src/bypass/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": ["error", { patterns: [NO_DEVTOOLS] }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
