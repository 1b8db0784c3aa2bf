/**
 * Which AWS role each job of a workflow assumes, checked against the job's GitHub environment: a job
 * in an environment may assume only that environment's deploy role, a job outside any environment
 * only the plan role. The AWS trust policies (docs/ci-cd.md) enforce the same pairing at STS; this
 * keeps the workflows from asking for a role that would refuse them.
 */
import { deployRole, environments, PLAN_ROLE } from "./trust-policy";

const CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials@";
/** How the workflows spell a role ARN: the account from a variable, then the role's name. */
const ROLE_ARN = /^arn:aws:iam::\$\{\{ vars\.AWS_ACCOUNT_ID \}\}:role\/(.+)$/;

interface CredentialsStep {
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
}
export interface RoleJob {
  readonly environment?: string | { readonly name?: string };
  readonly steps?: readonly CredentialsStep[];
}
export interface RoleWorkflow {
  readonly jobs: Readonly<Record<string, RoleJob>>;
}

const environmentOf = (job: RoleJob): string | undefined =>
  typeof job.environment === "string" ? job.environment : job.environment?.name;

/** One line per role assumption that does not match its job's environment (empty when all do). */
export function roleAssumptionProblems(file: string, workflow: RoleWorkflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    const environment = environmentOf(job);
    for (const step of job.steps ?? []) {
      if (!step.uses?.startsWith(CREDENTIALS_ACTION)) continue;
      const where = `${file}: job ${id}`;
      const arn = step.with?.["role-to-assume"];
      const role = typeof arn === "string" ? ROLE_ARN.exec(arn)?.[1] : undefined;
      if (!role) {
        problems.push(`${where}: role-to-assume ${JSON.stringify(arn)} is not arn:aws:iam::\${{ vars.AWS_ACCOUNT_ID }}:role/<role>`);
        continue;
      }
      if (Object.keys(step.with ?? {}).some((key) => key.startsWith("aws-access-key") || key === "aws-secret-access-key")) {
        problems.push(`${where}: passes stored AWS keys; only OIDC role assumption is allowed`);
      }
      if (environment === undefined) {
        if (role !== PLAN_ROLE) problems.push(`${where}: runs in no environment, so it may assume only ${PLAN_ROLE}, not ${role}`);
        continue;
      }
      if (role !== deployRole(environment)) {
        problems.push(`${where}: runs in environment ${environment} but assumes ${role}, not ${deployRole(environment)}`);
      }
      if (!environment.includes("${{") && !environments.includes(environment as (typeof environments)[number])) {
        problems.push(`${where}: environment ${environment} is none of ${environments.join(", ")}`);
      }
    }
  }
  return problems;
}
