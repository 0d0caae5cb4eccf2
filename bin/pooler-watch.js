#!/usr/bin/env node
// Runs the TypeScript CLI in this very process, through tsx's loader, so the installed command and `npm run` share
// one code path and signals (SIGTERM from systemd, docker stop or Kubernetes) reach the run loop's graceful shutdown:
// a wrapper that spawned the CLI as a child would die on SIGTERM and leave the real run orphaned (or, as PID 1 in a
// container, ignore it until SIGKILL).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../functions/cli.ts');
await runCli();
