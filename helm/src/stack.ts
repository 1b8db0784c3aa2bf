import { Component, DeploymentError, PROMETHEUS_COLLECTOR_USER, clusterName, isProd, resourceName, type Deployment, type Problem } from "@gpp/deployment";
import { DeploymentStack, defaultTags } from "@gpp/stack";
import { AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CHART_DIR, coalesceValues, loadChartSchema, tenantChartValues, tenantValuesProblems, type IngressTarget, type Values } from "./chart-values";
import { ClusterAccess } from "./cluster-access";
import { TraefikIngress, resourceTagProblems, traefikPodLabels } from "./ingress";
import { TenantAdmission } from "./admission-policies";
import { TENANT_LABEL, dedicatedCapacities, dedicatedPoolName, dedicatedTenantProblems, type DedicatedCapacity } from "./isolation";
import { Keda } from "./keda";
import { NetworkPolicyEnforcement } from "./network-policy";
import { NODE_POOL_LABEL, WORKLOADS_NODE_POOL, WorkloadCapacity, nodeClassTagProblems, workloadsNodeSelector, type CapacityLimits } from "./node-pool";
import { PrometheusCollectorAccess } from "./prometheus-rbac";
import { WildcardAliasRecord, WildcardCertificateLookup, wildcardName } from "./public-endpoint";
import { formatCpu, formatMemory, parseQuantity } from "./quantity";
import { Tenant, type ComputeResources, type TenantLimits, type TenantQuota } from "./tenant";
import { deliverTenantsByArgoCd, type ArgoCdDelivery } from "./gitops-mode";

export const INGRESS_NAMESPACE = "traefik";
export const INGRESS_CLASS = "traefik";
export const KEDA_NAMESPACE = "keda";

const isDirectlyUnder = (host: string, domain: string): boolean =>
  host.endsWith(`.${domain}`) && !host.slice(0, -domain.length - 1).includes(".");

/** Every tenant's namespace; the prefix keeps tenant ids clear of system namespaces (`default`, `kube-system`). */
export const tenantNamespace = (tenantId: string): string => `tenant-${tenantId}`;

/** Per-container defaults and ceiling in every tenant namespace. */
export const TENANT_LIMITS: TenantLimits = {
  defaultRequest: { cpu: "50m", memory: "32Mi" },
  defaultLimit: { cpu: "500m", memory: "128Mi" },
  max: { cpu: "2", memory: "1Gi" },
};

/**
 * The least a tenant's quota allows for CPU and memory, whatever its values: room for the 21 pods of
 * the defaults (tenantQuota) at the chart's default limits (500m, 128Mi) and then some, so a tenant
 * can grow without a quota change.
 */
export const TENANT_QUOTA_FLOOR: Pick<TenantQuota, "requests" | "limits"> = {
  requests: { cpu: "4", memory: "4Gi" },
  limits: { cpu: "16", memory: "8Gi" },
};

/** The chart's `helm test` hook pod. */
const HELM_TEST_PODS = 1;

interface ContainerResources {
  requests: ComputeResources;
  limits: ComputeResources;
}

interface QuotaValues {
  replicaCount: number;
  autoscaling: { enabled: boolean; maxReplicas: number };
  keda: { enabled: boolean };
  resources: ContainerResources;
  helmTest: { resources: ContainerResources };
}

const quantity = (value: string): number => {
  const parsed = parseQuantity(value);
  // The chart's schema admits only quantities this parser reads, and values are checked before this.
  if (parsed === undefined) throw new Error(`not a Kubernetes quantity: ${value}`);
  return parsed;
};

/**
 * A tenant's quota, sized so that no rollout, scale event or `helm test` its values allow is refused.
 *
 * R is the most replicas the values allow (`autoscaling.maxReplicas` with the HPA or KEDA, else
 * `replicaCount`). Pods that are terminating still count: the quota ignores a pod only once it is
 * Failed/Succeeded or past deletionTimestamp + its grace period (kubernetes
 * pkg/quota/v1/evaluator/core/pods.go, QuotaV1Pod), i.e. for up to twice `termination.gracePeriodSeconds`
 * after the delete; in practice until the kubelet removes it, after the preStop sleep and SIGTERM.
 *
 * - Rollout at R: the Deployment controller never grows the new ReplicaSet beyond R (apps/v1
 *   rolling update: `maxSurge` only lets new and old together exceed R), and every old pod is either
 *   still running or terminating. So new + old pods never exceed 2R, whatever `maxSurge` and
 *   `maxUnavailable` are. The grace period decides how long that headroom is held, not its size: a
 *   replacement becomes ready in seconds, sooner than an old pod's preStop sleep (10 s) plus exit, so a
 *   rollout can end with all R old pods still terminating.
 * - Scale event: a scale-down by up to R - minReplicas (KEDA: R, at the end of the window) followed by
 *   a scale-up within the grace period needs at most R running + R terminating.
 * - Plus the `helm test` pod; an earlier test pod is Succeeded or Failed and not counted.
 * A scale-up during the tail of a rollout could ask for more; the ReplicaSet controller then retries
 * until old pods are gone (at most twice the grace period), which delays pods but fails nothing.
 *
 * CPU and memory: 2R service pods at the release's `resources` plus the test pod's
 * `helmTest.resources`, never less than TENANT_QUOTA_FLOOR.
 */
export function tenantQuota(values: Values): TenantQuota {
  const merged = coalesceValues(loadChartSchema().defaults, values) as unknown as QuotaValues;
  // KEDA scales between zero and the same maxReplicas the HPA would use.
  const autoscaled = merged.autoscaling.enabled || merged.keda.enabled;
  const replicas = autoscaled ? merged.autoscaling.maxReplicas : merged.replicaCount;
  // A rollout or a scale event: at most R pods running plus R terminating (see above).
  const servicePods = 2 * replicas;
  const total = (kind: keyof ContainerResources, resource: keyof ComputeResources, floor: string) =>
    Math.max(
      quantity(floor),
      servicePods * quantity(merged.resources[kind][resource]) + quantity(merged.helmTest.resources[kind][resource]),
    );
  const sized = (kind: keyof ContainerResources): ComputeResources => ({
    cpu: formatCpu(total(kind, "cpu", TENANT_QUOTA_FLOOR[kind].cpu)),
    memory: formatMemory(total(kind, "memory", TENANT_QUOTA_FLOOR[kind].memory)),
  });
  return { pods: servicePods + HELM_TEST_PODS, requests: sized("requests"), limits: sized("limits") };
}

/**
 * Resources the tenant namespace's LimitRange would refuse at admission: a container above the
 * per-container maximum, or requesting more than its limit. Without this check the release would
 * create a Deployment whose pods are never admitted, and fail only after helm's wait times out.
 */
export function tenantResourceProblems(tenantIndex: number, values: Values, limits: TenantLimits): Problem[] {
  const merged = coalesceValues(loadChartSchema().defaults, values) as unknown as QuotaValues;
  const problems: Problem[] = [];
  const containers: [string, ContainerResources][] = [
    ["resources", merged.resources],
    ["helmTest.resources", merged.helmTest.resources],
  ];
  for (const [key, resources] of containers) {
    for (const resource of ["cpu", "memory"] as const) {
      const field = `tenants[${tenantIndex}].values.${key}`;
      const limit = quantity(resources.limits[resource]);
      const request = quantity(resources.requests[resource]);
      if (limit > quantity(limits.max[resource])) {
        problems.push({
          field: `${field}.limits.${resource}`,
          message: `${resources.limits[resource]} is above the tenant namespace's per-container maximum of ${limits.max[resource]} (LimitRange)`,
        });
      }
      if (request > limit) {
        problems.push({
          field: `${field}.requests.${resource}`,
          message: `${resources.requests[resource]} is more than the limit of ${resources.limits[resource]}`,
        });
      }
    }
  }
  return problems;
}

/**
 * What the platform requests besides the tenants, for the NodePool's limits: Traefik at 10 replicas
 * (1 CPU, 1.25Gi) and KEDA's three pods (0.3 CPU, 0.3Gi at the chart's defaults), rounded up.
 */
const PLATFORM_REQUESTS = { cpu: 2, memoryGi: 3 } as const;

/**
 * Karpenter counts a pool's limits in node capacity, not pod requests. Traefik's hard zone spread needs
 * a node in every zone, so the floor is one 4-vCPU node per zone; memory follows CPU at the r family's
 * 8 GiB per vCPU, so the memory limit never stops a node the CPU limit allows, whichever of c, m or r
 * Auto Mode picks.
 */
const NODE_CPU_FLOOR_PER_ZONE = 4;
const MAX_GI_PER_CPU = 8;

/**
 * The NodePool's ceiling: twice what the tenants' quotas and the platform can request (bin-packing
 * loss, per-node reservations and DaemonSets fit), never below one node per zone, so a runaway cannot
 * buy more nodes than that while the platform always fits.
 */
export function capacityLimits(quotas: readonly TenantQuota[], zones: number): CapacityLimits {
  const gi = 1024 ** 3;
  const requestedCpu = quotas.reduce<number>((sum, q) => sum + quantity(q.requests.cpu), PLATFORM_REQUESTS.cpu);
  const requestedMemory = quotas.reduce<number>((sum, q) => sum + quantity(q.requests.memory), PLATFORM_REQUESTS.memoryGi * gi);
  const cpu = Math.max(zones * NODE_CPU_FLOOR_PER_ZONE, Math.ceil(2 * requestedCpu));
  return { cpu, memoryGi: Math.max(cpu * MAX_GI_PER_CPU, Math.ceil((2 * requestedMemory) / gi)) };
}

/** What runs inside one deployment's cluster: the ingress controller and one release per tenant. */
export class HelmStack extends DeploymentStack {
  readonly access: ClusterAccess;
  readonly ingress: TraefikIngress;
  readonly networkPolicy: NetworkPolicyEnforcement;
  readonly prometheusAccess: PrometheusCollectorAccess;
  /** The deployment's tagged NodeClass and the NodePool every tenant and platform pod selects. */
  readonly capacity: WorkloadCapacity;
  /** One NodeClass and NodePool per tenant with `isolation: dedicated`, by tenant id. */
  readonly dedicatedCapacity: ReadonlyMap<string, DedicatedCapacity>;
  /** ValidatingAdmissionPolicies on every tenant namespace (admission-policies.ts). */
  readonly admission: TenantAdmission;
  /** Only for deployments with an off-hours schedule (never prod). */
  readonly keda?: Keda;
  /** Only when the descriptor names a hosted zone. */
  readonly certificate?: WildcardCertificateLookup;
  readonly dns?: WildcardAliasRecord;
  readonly tenants: Tenant[] = [];
  /** argocd mode (`gitops.engine: argocd`): Argo CD and the one ApplicationSet that delivers every tenant. */
  readonly gitops?: ArgoCdDelivery;

  constructor(scope: Construct, deployment: Deployment) {
    super(scope, deployment, "helm");
    const kubernetesVersion = deployment.cluster.kubernetes_version;
    // The provider's default tags: what the budget filters on (`deployment`), now also on the nodes,
    // volumes and NLB Auto Mode creates. Tags neither can carry stop the synth here.
    const tags = defaultTags(deployment, "helm");

    const { hosted_zone: hostedZone, base_domain: baseDomain } = deployment.ingress;
    const target: IngressTarget = { className: INGRESS_CLASS, namespace: INGRESS_NAMESPACE, podLabels: traefikPodLabels(INGRESS_NAMESPACE) };

    // Every tenant's values first: one bad value anywhere stops the synth before anything is written.
    const problems: Problem[] = [];
    if (hostedZone) {
      // The wildcard certificate and record cover exactly one label under the base domain.
      deployment.tenants.forEach((tenant, i) => {
        if (!isDirectlyUnder(tenant.host, baseDomain)) {
          problems.push({
            field: `tenants[${i}].host`,
            message: `${tenant.host} is not <label>.${baseDomain}, so the wildcard certificate and DNS record for ${wildcardName(baseDomain)} do not cover it`,
          });
        }
      });
    }
    const tenantValues = deployment.tenants.map((tenant, i) => {
      const values = tenantChartValues(deployment, tenant, target);
      const valueProblems = tenantValuesProblems(i, tenant, values);
      problems.push(...valueProblems);
      // Sizes are only read from values the chart's schema accepts.
      if (valueProblems.length === 0) problems.push(...tenantResourceProblems(i, values, TENANT_LIMITS));
      return values;
    });
    // Sizes are only read once every tenant's values are valid.
    const quotas = problems.length === 0 ? tenantValues.map((values) => tenantQuota(values as Values)) : [];
    if (problems.length === 0) {
      const podRequests = tenantValues.map((values) => (coalesceValues(loadChartSchema().defaults, values) as unknown as QuotaValues).resources.requests);
      problems.push(...dedicatedTenantProblems(deployment, podRequests, quotas));
    }
    problems.unshift(...nodeClassTagProblems(tags), ...resourceTagProblems(tags));
    if (problems.length > 0) {
      throw new DeploymentError(deployment.file, problems);
    }

    this.access = new ClusterAccess(this, "cluster", { clusterName: clusterName(deployment), region: deployment.region });
    this.networkPolicy = new NetworkPolicyEnforcement(this, "network-policy", { provider: this.access.kubernetes });
    this.prometheusAccess = new PrometheusCollectorAccess(this, "prometheus-collector", {
      provider: this.access.kubernetes,
      userName: PROMETHEUS_COLLECTOR_USER,
    });
    const nodeSelector = workloadsNodeSelector();
    const nodeClassBase = {
      provider: this.access.kubernetes,
      nodeRoleName: resourceName(deployment, Component.nodeRole),
      subnetIds: this.access.cluster.vpcConfig.get(0).subnetIds,
      clusterSecurityGroupId: this.access.cluster.vpcConfig.get(0).clusterSecurityGroupId,
      tags,
      spot: deployment.capacity.spot,
    };
    this.capacity = new WorkloadCapacity(this, "capacity", {
      ...nodeClassBase,
      name: WORKLOADS_NODE_POOL,
      // Only shared tenants' pods land here; dedicated ones have pools of their own.
      limits: capacityLimits(
        quotas.filter((_, i) => deployment.tenants[i]?.isolation === "shared"),
        deployment.availability_zones.length,
      ),
    });
    this.dedicatedCapacity = dedicatedCapacities(this, deployment, quotas, nodeClassBase);
    this.admission = new TenantAdmission(this, "admission", {
      provider: this.access.kubernetes,
      tenantLabel: TENANT_LABEL,
      nodePoolLabel: NODE_POOL_LABEL,
      sharedPoolName: WORKLOADS_NODE_POOL,
      dedicatedPoolPrefix: dedicatedPoolName(""),
      imageRepositories: tenantValues.flatMap((values) => {
        const merged = coalesceValues(loadChartSchema().defaults, values) as { image: { repository: string }; helmTest: { image: { repository: string } } };
        return [merged.image.repository, merged.helmTest.image.repository];
      }),
      requireDigest: isProd(deployment),
    });
    if (hostedZone) this.certificate = new WildcardCertificateLookup(this, "certificate", { baseDomain });
    this.ingress = new TraefikIngress(this, "ingress", {
      helmProvider: this.access.helm,
      kubernetesProvider: this.access.kubernetes,
      kubernetesVersion,
      namespace: INGRESS_NAMESPACE,
      ingressClassName: INGRESS_CLASS,
      // One per availability zone of the deployment.
      minReplicas: deployment.availability_zones.length,
      maxReplicas: 10,
      targetCpuUtilization: 70,
      loadBalancerTags: tags,
      // The AMP collector's ENIs are in the private subnets iac gives the scraper.
      metricsScrapeCidrs: deployment.network.private_subnets,
      nodeSelector,
      ...(this.certificate ? { tls: { certificateArn: this.certificate.arn } } : {}),
      dependsOn: [this.capacity.nodePool],
    });
    if (hostedZone) {
      this.dns = new WildcardAliasRecord(this, "dns", {
        kubernetesProvider: this.access.kubernetes,
        hostedZone,
        baseDomain,
        region: deployment.region,
        serviceName: this.ingress.serviceName,
        serviceNamespace: this.ingress.namespaceName,
        dependsOn: [this.ingress.release],
      });
    }
    if (deployment.scaling.off_hours) {
      this.keda = new Keda(this, "keda", {
        helmProvider: this.access.helm,
        kubernetesProvider: this.access.kubernetes,
        kubernetesVersion,
        namespace: KEDA_NAMESPACE,
        nodeSelector,
        dependsOn: [this.capacity.nodePool],
      });
    }
    // One asset for every release: the chart is copied and hashed once per stack, not per tenant.
    const chart = new TerraformAsset(this, "tech-interview-chart", { path: CHART_DIR, type: AssetType.DIRECTORY });
    // In argocd mode Argo CD delivers the tenants (./gitops-mode.ts), and this loop makes nothing.
    (deployment.gitops ? [] : deployment.tenants).forEach((tenant, i) => {
      const values = tenantValues[i] as Values;
      this.tenants.push(
        new Tenant(this, `tenant-${tenant.id}`, {
          helmProvider: this.access.helm,
          kubernetesProvider: this.access.kubernetes,
          tenantId: tenant.id,
          namespace: tenantNamespace(tenant.id),
          releaseName: tenant.id,
          kubernetesVersion,
          chartPath: chart.path,
          values,
          quota: quotas[i] as TenantQuota,
          limits: TENANT_LIMITS,
          // Ingress objects need their class, NetworkPolicies need enforcement turned on, and a
          // ScaledObject needs KEDA's CRD; pods select the NodePool.
          dependsOn: [
            this.ingress.release,
            this.networkPolicy.configMap,
            this.capacity.nodePool,
            ...(this.dedicatedCapacity.has(tenant.id) ? [(this.dedicatedCapacity.get(tenant.id) as DedicatedCapacity).nodePool] : []),
            ...(this.keda ? [this.keda.release] : []),
            // Pods are checked by the tenant admission policies from the first one.
            ...this.admission.bindings,
          ],
        }),
      );
    });

    if (deployment.gitops) {
      this.gitops = deliverTenantsByArgoCd(this, {
        deployment: { ...deployment, gitops: deployment.gitops },
        access: this.access,
        tenantValues: tenantValues as Values[],
        quotas,
        limits: TENANT_LIMITS,
        namespaceOf: tenantNamespace,
        nodeSelector,
        tenantPrerequisites: [this.ingress.release, this.networkPolicy.configMap, this.capacity.nodePool, ...(this.keda ? [this.keda.release] : [])],
      });
    }

    new TerraformOutput(this, "tenant_hosts", {
      value: Object.fromEntries(deployment.tenants.map((t) => [t.id, t.host])),
      description: hostedZone
        ? `Host name of each tenant; *.${baseDomain} in ${hostedZone} points at the ingress controller's load balancer.`
        : "Host name of each tenant; point DNS at the ingress controller's load balancer (or send a Host header).",
    });
    const scheme = hostedZone ? "https" : "http";
    new TerraformOutput(this, "tenant_urls", {
      value: Object.fromEntries(deployment.tenants.map((t) => [t.id, `${scheme}://${t.host}/`])),
      description: "Where each tenant answers: HTTPS (TLS at the load balancer) when the deployment has a hosted zone, else HTTP.",
    });
  }
}
