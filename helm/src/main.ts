import { deploymentsFromEnvironment, runOrExit } from "@gpp/deployment";
import { App } from "cdktf";
import { HelmStack } from "./stack";

runOrExit(() => {
  const app = new App();
  for (const deployment of deploymentsFromEnvironment()) new HelmStack(app, deployment);
  app.synth();
});
