/**
 * The AWS roles GitHub Actions assumes, and the rules their trust policies must meet.
 *
 * The trust policies themselves are documented once, in docs/ci-cd.md, each as a ```json block
 * preceded by `<!-- trust-policy: <role name> -->`; the tests read them from there.
 *
 * GitHub's OIDC token (docs.github.com, "OpenID Connect reference", subject claims):
 *   - a job that references an environment: sub = `repo:<owner>/<repo>:environment:<environment>`
 *   - any other job of a push/dispatch:   sub = `repo:<owner>/<repo>:ref:refs/heads/<branch>`
 * aws-actions/configure-aws-credentials requests the token with audience `sts.amazonaws.com`.
 */
import { deploymentFileSchema, type Environment } from "@gpp/deployment";

export const OIDC_ISSUER_HOST = "token.actions.githubusercontent.com";
export const OIDC_AUDIENCE = "sts.amazonaws.com";
/** The only branch whose jobs may plan or deploy (every environment's deployment branch policy). */
export const DEPLOY_BRANCH = "main";
/** Stands for this repository in the documented policies; replaced by the real one when creating the roles. */
export const REPOSITORY_PLACEHOLDER = "<owner>/<repo>";

/** Every env a descriptor may name, each a GitHub environment with its own deploy role. */
export const environments: readonly Environment[] = deploymentFileSchema.shape.env.options;

export const PLAN_ROLE = "gpp-plan";
export const deployRole = (env: string): string => `gpp-deploy-${env}`;

/** The exact `sub` each role trusts: one environment for a deploy role, the main branch for the plan role. */
export function expectedSubject(role: string, repository = REPOSITORY_PLACEHOLDER): string {
  if (role === PLAN_ROLE) return `repo:${repository}:ref:refs/heads/${DEPLOY_BRANCH}`;
  const env = environments.find((e) => deployRole(e) === role);
  if (!env) throw new Error(`${role} is not a role of this repository's workflows (${[PLAN_ROLE, ...environments.map(deployRole)].join(", ")})`);
  return `repo:${repository}:environment:${env}`;
}

/** The trust policies documented in a markdown file, by role name, as parsed JSON. */
export function documentedTrustPolicies(markdown: string, file: string): Map<string, unknown> {
  const policies = new Map<string, unknown>();
  const block = /<!-- trust-policy: ([\w-]+) -->\s*```json\n([\s\S]*?)```/g;
  for (const [, role, text] of markdown.matchAll(block)) {
    if (!role || text === undefined) continue;
    if (policies.has(role)) throw new Error(`${file}: trust policy of ${role} is documented twice`);
    try {
      policies.set(role, JSON.parse(text));
    } catch (error) {
      throw new Error(`${file}: trust policy of ${role} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return policies;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What is wrong with a role's trust policy, one line each (empty when it meets every rule): one
 * statement allowing only sts:AssumeRoleWithWebIdentity from GitHub's OIDC provider, with exact
 * (StringEquals) conditions on the audience and on the role's own subject, and no wildcard.
 */
export function trustPolicyProblems(role: string, policy: unknown): string[] {
  const problems: string[] = [];
  const where = `${role}:`;
  if (!isRecord(policy)) return [`${where} not a JSON object`];
  if (policy.Version !== "2012-10-17") problems.push(`${where} Version is ${JSON.stringify(policy.Version)}, not "2012-10-17"`);
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  if (statements.length !== 1) problems.push(`${where} has ${statements.length} statements; one is expected`);
  for (const statement of statements) {
    if (!isRecord(statement)) {
      problems.push(`${where} a statement is not an object`);
      continue;
    }
    if (statement.Effect !== "Allow") problems.push(`${where} Effect is ${JSON.stringify(statement.Effect)}`);
    if (statement.Action !== "sts:AssumeRoleWithWebIdentity") {
      problems.push(`${where} Action is ${JSON.stringify(statement.Action)}, not "sts:AssumeRoleWithWebIdentity" alone`);
    }
    const federated = isRecord(statement.Principal) ? statement.Principal.Federated : undefined;
    if (typeof federated !== "string" || !new RegExp(`^arn:aws:iam::(<account>|\\d{12}):oidc-provider/${OIDC_ISSUER_HOST}$`).test(federated)) {
      problems.push(`${where} Principal.Federated is ${JSON.stringify(federated)}, not the ${OIDC_ISSUER_HOST} OIDC provider`);
    }
    const condition = isRecord(statement.Condition) ? statement.Condition : {};
    for (const operator of Object.keys(condition)) {
      if (operator !== "StringEquals") problems.push(`${where} Condition uses ${operator}; only StringEquals (exact match) is allowed`);
    }
    const equals = isRecord(condition.StringEquals) ? condition.StringEquals : {};
    const aud = equals[`${OIDC_ISSUER_HOST}:aud`];
    const sub = equals[`${OIDC_ISSUER_HOST}:sub`];
    if (aud !== OIDC_AUDIENCE) problems.push(`${where} aud is ${JSON.stringify(aud)}, not "${OIDC_AUDIENCE}"`);
    if (typeof sub !== "string") {
      problems.push(`${where} sub is ${JSON.stringify(sub)}; one exact subject is expected`);
    } else {
      if (/[*?]/.test(sub)) problems.push(`${where} sub ${sub} contains a wildcard`);
      const wanted = expectedSubjectOrProblem(role);
      if (typeof wanted === "string" && sub !== wanted) problems.push(`${where} sub is ${sub}, not ${wanted}`);
      if (typeof wanted !== "string") problems.push(`${where} ${wanted.problem}`);
    }
  }
  return problems;
}

function expectedSubjectOrProblem(role: string): string | { problem: string } {
  try {
    return expectedSubject(role);
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
