import { parseArgs } from "node:util";

export interface CommandLine {
  /** The command as users type it, e.g. `pnpm plan`. */
  readonly command: string;
  /** One or two sentences: what it does and what it writes. */
  readonly description: string;
  /** Boolean flags it takes besides --help, with what each does. */
  readonly flags?: Readonly<Record<string, string>>;
  /** Whether it reads GPP_DEPLOYMENTS_DIR and GPP_DEPLOYMENT (default true). */
  readonly readsDeployments?: boolean;
}

const ENVIRONMENT_HELP = [
  "Environment:",
  "  GPP_DEPLOYMENTS_DIR  folder of deployment files (default: the repository's deployments/)",
  "  GPP_DEPLOYMENT       only this deployment id",
];

export function usage(spec: CommandLine): string {
  const flags = Object.entries(spec.flags ?? {}).map(([flag, what]) => `  --${flag.padEnd(18)} ${what}`);
  return [`Usage: ${spec.command} [options]`, "", spec.description, "", "Options:", ...flags, `  --${"help".padEnd(18)} show this help`, "", ...(spec.readsDeployments === false ? [] : ENVIRONMENT_HELP), ""].join("\n");
}

/**
 * The command lines of this repository's tools (plan, cost, policy, diagram) take a few flags and read
 * deployments from the environment. An unknown option or an argument is a usage error (exit 2) rather
 * than silently ignored; `--help` prints the usage (exit 0).
 */
export function parseCommandLine(spec: CommandLine, argv: readonly string[] = process.argv.slice(2)): Record<string, boolean> {
  // pnpm passes a leading `--` through to the script.
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const options = Object.fromEntries(
    ["help", ...Object.keys(spec.flags ?? {})].map((flag) => [flag, { type: "boolean" as const }]),
  );
  let values: Record<string, boolean | undefined>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, boolean | undefined>;
  } catch (error) {
    process.stderr.write(`${spec.command}: ${(error as Error).message}\n\n${usage(spec)}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage(spec));
    process.exit(0);
  }
  return Object.fromEntries(Object.keys(spec.flags ?? {}).map((flag) => [flag, values[flag] === true]));
}
