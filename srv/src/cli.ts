import { main } from "./command";

// `smoke ... | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// exitCode rather than exit(): pending output is flushed before the process ends.
// `pnpm --filter srv smoke` runs this in srv/; INIT_CWD is where the operator typed the command, so
// `--deployment deployments/gpp0.yaml` and `--junit smoke.xml` mean what they would there.
process.exitCode = await main(process.argv.slice(2), { cwd: process.env.INIT_CWD || process.cwd() });
