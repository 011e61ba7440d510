#!/usr/bin/env node
import { run } from '../dist/cli/main.bundle.js';
await run(process.argv);
