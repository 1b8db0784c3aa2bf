import { deploymentsFromEnvironment, runOrExit } from "@gpp/deployment";
import { buildIacApp } from "./app";

// Every descriptor is validated before any stack is built, so bad input writes nothing.
runOrExit(() => buildIacApp(deploymentsFromEnvironment()).app.synth());
