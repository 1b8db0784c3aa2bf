/**
 * Tenant delivery: the descriptor's `gitops` block and each tenant's `rollout_group`. Without `gitops`,
 * the helm stack delivers every tenant itself (one `helm_release` each); with `gitops.engine: argocd`,
 * Argo CD does, from the chart at `repo_url` and `revision`.
 */
import { z } from "zod";

/**
 * A Kubernetes label value (apimachinery `validation.IsValidLabelValue`: at most 63 characters,
 * alphanumerics, `-`, `_`, `.`, starting and ending alphanumeric). The group becomes a label on each
 * tenant's Application, which the ApplicationSet's RollingSync steps select with `matchExpressions`.
 */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The group of tenants that name none: it rolls out last. */
export const DEFAULT_ROLLOUT_GROUP = "default";
/** The group that rolls out first whenever a tenant names it. */
export const CANARY_ROLLOUT_GROUP = "canary";

export const rolloutGroupField = z
  .string()
  .regex(LABEL_VALUE, "must be a Kubernetes label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit): it labels the tenant's Argo CD Application");

/** A full commit id (SHA-1, or SHA-256 for repositories in that object format). */
const COMMIT_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Why a revision is not a pinned commit or tag, or undefined. Git's ref-name rules (git-check-ref-format):
 * no `..`, no control characters, space, `~ ^ : ? * [ \`, no `@{`, no component starting with `.` or
 * ending with `.lock`, no leading/trailing `/` or `.`. A tag cannot be told from a branch by its name
 * alone; names that are branches by convention or symbolic (`HEAD`, `main`, `master`, `refs/heads/...`)
 * and abbreviated SHAs (ambiguous as the repository grows) are refused, since Argo CD would follow
 * them as they move.
 */
export function revisionProblem(revision: string): string | undefined {
  if (COMMIT_SHA.test(revision)) return undefined;
  if (/^[0-9a-f]{4,39}$/.test(revision)) return `${revision} looks like an abbreviated commit SHA: give all 40 hex digits (an abbreviation can become ambiguous)`;
  if (["HEAD", "main", "master", "trunk", "develop"].includes(revision) || revision.startsWith("refs/heads/")) {
    return `${revision} names a branch or a moving ref: give a commit SHA or a tag, so every tenant renders one fixed chart`;
  }
  const tag = revision.startsWith("refs/tags/") ? revision.slice("refs/tags/".length) : revision;
  const invalid =
    tag.length === 0 ||
    tag.length > 255 ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\\]/.test(tag) ||
    tag.includes("..") ||
    tag.includes("@{") ||
    tag === "@" ||
    tag.startsWith("/") ||
    tag.endsWith("/") ||
    tag.endsWith(".") ||
    tag.includes("//") ||
    tag.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"));
  return invalid ? `${revision} is neither a full commit SHA nor a valid Git tag name (git check-ref-format)` : undefined;
}

/**
 * Why a URL is not one Argo CD can clone as a Git repository, or undefined: `https://host/path`,
 * `ssh://[user@]host[:port]/path` or scp-like `user@host:path` (Argo CD's `git.IsSSHURL` reads the last
 * two). Plain `http://` is refused: credentials and content would cross the network unprotected.
 */
export function gitUrlProblem(url: string): string | undefined {
  const scpLike = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[A-Za-z0-9._~/-]+$/;
  if (scpLike.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a Git URL (https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git)`;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "ssh:") {
    return `${url} uses ${parsed.protocol}; give an https:// or ssh:// Git URL`;
  }
  if (!parsed.hostname || parsed.pathname.replace(/\/+$/, "").length <= 1) {
    return `${url} names no repository path (https://host/owner/repo.git)`;
  }
  if (parsed.search || parsed.hash) return `${url} has a query or fragment, which no Git URL has`;
  if (parsed.password) return `${url} carries a password: give Argo CD the credentials as a repository secret, never in the descriptor`;
  return undefined;
}

export const gitopsSchema = z
  .strictObject({
    engine: z.literal("argocd", { error: 'must be "argocd" (the only GitOps engine this project supports)' }),
    repo_url: z.string().superRefine((url, ctx) => {
      const problem = gitUrlProblem(url);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    revision: z
      .string({ error: "is required with engine argocd: a commit SHA or tag, the chart revision Argo CD renders every tenant from" })
      .superRefine((revision, ctx) => {
        const problem = revisionProblem(revision);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  });

export type GitOps = z.infer<typeof gitopsSchema>;

/**
 * The rollout groups in the order they roll out: `canary` first when any tenant names it, then the
 * other named groups in the order the descriptor first names them, the default group last.
 */
export function rolloutGroupOrder(tenants: readonly { readonly rollout_group: string }[]): string[] {
  const named = [...new Set(tenants.map((t) => t.rollout_group))].filter((g) => g !== DEFAULT_ROLLOUT_GROUP);
  const ordered = named.includes(CANARY_ROLLOUT_GROUP) ? [CANARY_ROLLOUT_GROUP, ...named.filter((g) => g !== CANARY_ROLLOUT_GROUP)] : named;
  return tenants.some((t) => t.rollout_group === DEFAULT_ROLLOUT_GROUP) ? [...ordered, DEFAULT_ROLLOUT_GROUP] : ordered;
}
