/**
 * Child process of bench-synth.ts: loads and runs the iac app (CDKTF_OUTDIR must point at a scratch
 * folder) and prints, as JSON, how long loading plus synthesis took and the process's peak memory.
 */
const started = performance.now();
await import("../src/main");
const synthMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ synthMs, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
export {};
