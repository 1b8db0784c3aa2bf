/**
 * argocd mode: the AppProject confines tenant Applications, and every generated Application stays in a
 * tenant namespace of this deployment (the objects come from `../argocd.ts`, which expands the
 * ApplicationSet the way Argo CD does).
 */
import { addressOf, kindOf } from "../kubernetes";
import { isObject } from "../terraform";
import type { Json, KubernetesObject, PolicyInput, Rule, Violation } from "../types";

const IN_CLUSTER = "https://kubernetes.default.svc";
const spec = (object: KubernetesObject): Json => (isObject(object.manifest.spec) ? object.manifest.spec : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const projects = (input: PolicyInput) => input.kubernetes.filter((o) => kindOf(o) === "AppProject");

export const appProjectConfinement: Rule = {
  id: "K8S-GITOPS-001",
  title: "Every Argo CD AppProject names its sources and destinations without wildcards and allows only Namespace cluster-wide",
  control:
    "An AppProject is the boundary of what its Applications may deploy: a `*` in its repositories, destinations or " +
    "kinds, a missing namespaced-kind whitelist, or any cluster-scoped kind but Namespace lets a tenant's Application " +
    "reach other tenants or the cluster itself.",
  check: (input) =>
    projects(input).flatMap((project): Violation[] => {
      const s = spec(project);
      const found: Violation[] = [];
      const address = addressOf(project);
      const wildcard = (what: string, values: unknown[]) => {
        if (values.some((v) => String(v).includes("*"))) found.push({ address, message: `${what} holds a wildcard` });
      };
      const repos = Array.isArray(s.sourceRepos) ? s.sourceRepos : [];
      if (repos.length === 0) found.push({ address, message: "sourceRepos is empty: name the repository" });
      wildcard("sourceRepos", repos);
      wildcard("destinations", list(s.destinations).flatMap((d) => [d.namespace, d.server, d.name].filter((v) => v !== undefined)));
      wildcard("namespaceResourceWhitelist", list(s.namespaceResourceWhitelist).flatMap((k) => [k.group, k.kind]));
      if (list(s.namespaceResourceWhitelist).length === 0) found.push({ address, message: "no namespaceResourceWhitelist: every namespaced kind is allowed" });
      for (const k of list(s.clusterResourceWhitelist)) {
        if (!(k.group === "" && k.kind === "Namespace")) found.push({ address, message: `clusterResourceWhitelist allows ${String(k.group)}/${String(k.kind)}; only Namespace is allowed` });
      }
      return found;
    }),
};

export const applicationDestinations: Rule = {
  id: "K8S-GITOPS-002",
  title: "Every Argo CD Application deploys into a tenant namespace of this deployment, in-cluster, within its project",
  control:
    "A generated Application whose destination is outside the deployment's tenant namespaces, on another cluster, " +
    "or not listed by its AppProject, or whose rendered objects land in another namespace, breaks tenant isolation.",
  check: (input) =>
    input.kubernetes
      .filter((o) => kindOf(o) === "Application")
      .flatMap((app): Violation[] => {
        const s = spec(app);
        const destination = isObject(s.destination) ? s.destination : {};
        const namespace = String(destination.namespace ?? "");
        const address = addressOf(app);
        const found: Violation[] = [];
        if (!input.tenantNamespaces.includes(namespace)) found.push({ address, message: `destination namespace ${namespace || "(none)"} is not a tenant namespace of this deployment` });
        if (destination.server !== IN_CLUSTER) found.push({ address, message: `destination server ${String(destination.server ?? destination.name)} is not ${IN_CLUSTER}` });
        const project = projects(input).find((p) => isObject(p.manifest.metadata) && p.manifest.metadata.name === s.project);
        if (!project) found.push({ address, message: `project ${String(s.project)} is not an AppProject of this deployment` });
        else if (!list(spec(project).destinations).some((d) => d.namespace === namespace && d.server === destination.server)) {
          found.push({ address, message: `its AppProject does not list ${namespace} as a destination` });
        }
        for (const object of input.kubernetes.filter((o) => o.origin.startsWith(`${app.origin} `) && kindOf(o) !== "Namespace")) {
          if (object.namespace !== namespace) found.push({ address: addressOf(object), message: `rendered into ${String(object.namespace)}, not its Application's ${namespace}` });
        }
        return found;
      }),
};

export const GITOPS_RULES: readonly Rule[] = [appProjectConfinement, applicationDestinations];
