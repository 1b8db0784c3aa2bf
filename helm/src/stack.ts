import { Component, DeploymentError, PROMETHEUS_COLLECTOR_USER, clusterName, isProd, resourceName, type Deployment } from "@gpp/deployment";
import { DeploymentStack, defaultTags } from "@gpp/stack";
import { AssetType, TerraformAsset, TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CHART_DIR, type IngressTarget } from "./chart-values";
import { ClusterAccess } from "./cluster-access";
import { TraefikIngress, resourceTagProblems, traefikPodLabels } from "./ingress";
import { TenantAdmission } from "./admission-policies";
import { TENANT_LABEL, dedicatedCapacities, dedicatedPoolName, dedicatedTenantProblems, type DedicatedCapacity } from "./isolation";
import { Keda } from "./keda";
import { NetworkPolicyEnforcement } from "./network-policy";
import { NODE_POOL_LABEL, WORKLOADS_NODE_POOL, WorkloadCapacity, nodeClassTagProblems, workloadsNodeSelector } from "./node-pool";
import { PrometheusCollectorAccess } from "./prometheus-rbac";
import { WildcardAliasRecord, WildcardCertificateLookup } from "./public-endpoint";
import { Tenant } from "./tenant";
import { TENANT_LIMITS } from "./tenant-sizing";
import { isSized, resolveTenant } from "./tenant-values";
import { capacityLimits } from "./workload-pool-limits";
import { deliverTenantsByArgoCd, type ArgoCdDelivery } from "./gitops-mode";

export const INGRESS_NAMESPACE = "traefik";
export const INGRESS_CLASS = "traefik";
export const KEDA_NAMESPACE = "keda";

/** Every tenant's namespace; the prefix keeps tenant ids clear of system namespaces (`default`, `kube-system`). */
export const tenantNamespace = (tenantId: string): string => `tenant-${tenantId}`;

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
    const zones = deployment.availability_zones.length;

    // Every tenant first: one bad value anywhere stops the synth before anything is written.
    const resolved = deployment.tenants.map((tenant, i) => resolveTenant(deployment, tenant, i, target));
    const problems = [...nodeClassTagProblems(tags), ...resourceTagProblems(tags), ...resolved.flatMap((t) => t.problems)];
    // Without a problem every tenant is sized; pools are only checked against valid tenants.
    const sized = problems.length === 0 ? resolved.filter(isSized) : [];
    problems.push(...dedicatedTenantProblems(sized, zones));
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
        sized.filter((t) => t.spec.isolation === "shared").map((t) => t.sizing.quota),
        zones,
      ),
    });
    this.dedicatedCapacity = dedicatedCapacities(this, sized, zones, nodeClassBase);
    this.admission = new TenantAdmission(this, "admission", {
      provider: this.access.kubernetes,
      tenantLabel: TENANT_LABEL,
      nodePoolLabel: NODE_POOL_LABEL,
      sharedPoolName: WORKLOADS_NODE_POOL,
      dedicatedPoolPrefix: dedicatedPoolName(""),
      imageRepositories: sized.flatMap((t) => t.sizing.imageRepositories),
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
      minReplicas: zones,
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
    for (const { spec: tenant, releaseValues, sizing } of deployment.gitops ? [] : sized) {
      this.tenants.push(
        new Tenant(this, `tenant-${tenant.id}`, {
          helmProvider: this.access.helm,
          kubernetesProvider: this.access.kubernetes,
          tenantId: tenant.id,
          namespace: tenantNamespace(tenant.id),
          releaseName: tenant.id,
          kubernetesVersion,
          chartPath: chart.path,
          values: releaseValues,
          quota: sizing.quota,
          limits: sizing.limits,
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
    }

    if (deployment.gitops) {
      this.gitops = deliverTenantsByArgoCd(this, {
        deployment: { ...deployment, gitops: deployment.gitops },
        access: this.access,
        tenants: sized,
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
