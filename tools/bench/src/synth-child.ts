/**
 * Child process of the benchmark: `synth-child.ts <iac|helm> <outdir>` loads one package's stack code,
 * synthesizes the default deployment into `outdir`, and prints one JSON line: the milliseconds from
 * before the stack modules were imported to the end of synthesis, and this process's peak RSS.
 * One synthesis per process, so the peak memory is that run's alone.
 */
const started = performance.now();
const [pkg, outdir] = process.argv.slice(2);
if ((pkg !== "iac" && pkg !== "helm") || !outdir) {
  process.stderr.write("usage: synth-child.ts <iac|helm> <outdir>\n");
  process.exit(2);
}
const { loadDefaultDeployment } = await import("@gpp/deployment");
const deployment = loadDefaultDeployment();
if (pkg === "iac") {
  const { buildIacApp } = await import("iac/app");
  buildIacApp([deployment], outdir).app.synth();
} else {
  const { App } = await import("cdktf");
  const { HelmStack } = await import("helm/stack");
  const app = new App({ outdir });
  new HelmStack(app, deployment);
  app.synth();
}
const synthMs = performance.now() - started;
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ synthMs, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
export {};
