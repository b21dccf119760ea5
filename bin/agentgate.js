#!/usr/bin/env node
// The built CLI (npm run build → lib/). Kept tiny so that the package's entry never changes.
import "../lib/cli/main.js";
