import type { Deployment } from "@gpp/deployment";
import { App } from "cdktf";
import { IacStack } from "./stack";

/** Builds one iac stack per deployment; `outdir` overrides where cdktf writes (tests, the offline plan). */
export function buildIacApp(deployments: readonly Deployment[], outdir?: string): { app: App; stacks: IacStack[] } {
  const app = new App(outdir ? { outdir } : {});
  const stacks = deployments.map((deployment) => new IacStack(app, deployment));
  return { app, stacks };
}
