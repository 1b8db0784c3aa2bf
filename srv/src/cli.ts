import { main } from "./command";

// `smoke ... | head` closes stdout early: that is the reader's choice, not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

// exitCode rather than exit(): pending output is flushed before the process ends.
process.exitCode = await main(process.argv.slice(2));
