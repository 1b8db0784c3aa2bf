/**
 * Which Kubernetes kinds are namespaced and which are cluster-scoped, by API group, for Kubernetes 1.35:
 * what `kubectl api-resources --namespaced=false` answers on a 1.35 API server.
 *
 * Source: k8s.io/api v0.35.0 (the API types of Kubernetes 1.35, github.com/kubernetes/api tag v0.35.0,
 * commit 9afe7de0): every top-level type marked `+genclient` is a REST resource, cluster-scoped when it is
 * also marked `+genclient:nonNamespaced`. All served versions of a group are merged (a kind keeps its scope
 * across versions). CustomResourceDefinition (k8s.io/apiextensions-apiserver) and APIService
 * (k8s.io/kube-aggregator) live outside k8s.io/api; both are cluster-scoped (APIService is listed with
 * `scope: Cluster` in kubernetes/kubernetes api/discovery/aggregated_v2.json; the CRD scope was not
 * re-read here). CRD kinds a chart may ship are listed below with the CRD that defines them.
 *
 * A kind in neither table has an unknown scope: rules must treat it as possibly cluster-scoped.
 */
import { isObject } from "./terraform";
import type { Json } from "./types";

export type Scope = "Cluster" | "Namespaced";

/** Cluster-scoped kinds by API group ("" is the core group). */
export const CLUSTER_SCOPED_KINDS: Readonly<Record<string, readonly string[]>> = {
  "": ["ComponentStatus", "Namespace", "Node", "PersistentVolume"],
  "admissionregistration.k8s.io": ["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration"],
  "apiextensions.k8s.io": ["CustomResourceDefinition"],
  "apiregistration.k8s.io": ["APIService"],
  "authentication.k8s.io": ["SelfSubjectReview", "TokenReview"],
  "authorization.k8s.io": ["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
  "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
  "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
  "imagepolicy.k8s.io": ["ImageReview"],
  "internal.apiserver.k8s.io": ["StorageVersion"],
  "networking.k8s.io": ["IPAddress", "IngressClass", "ServiceCIDR"],
  "node.k8s.io": ["RuntimeClass"],
  "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
  "resource.k8s.io": ["DeviceClass", "DeviceTaintRule", "ResourceSlice"],
  "scheduling.k8s.io": ["PriorityClass"],
  "storage.k8s.io": ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "VolumeAttributesClass"],
  "storagemigration.k8s.io": ["StorageVersionMigration"],
};

/** Namespaced kinds by API group ("" is the core group). */
export const NAMESPACED_KINDS: Readonly<Record<string, readonly string[]>> = {
  "": ["ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount"],
  "apps": ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
  "authorization.k8s.io": ["LocalSubjectAccessReview"],
  "autoscaling": ["HorizontalPodAutoscaler"],
  "batch": ["CronJob", "Job"],
  "certificates.k8s.io": ["PodCertificateRequest"],
  "coordination.k8s.io": ["Lease", "LeaseCandidate"],
  "discovery.k8s.io": ["EndpointSlice"],
  "events.k8s.io": ["Event"],
  "extensions": ["DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "ReplicaSet"],
  "networking.k8s.io": ["Ingress", "NetworkPolicy"],
  "policy": ["Eviction", "PodDisruptionBudget"],
  "rbac.authorization.k8s.io": ["Role", "RoleBinding"],
  "resource.k8s.io": ["ResourceClaim", "ResourceClaimTemplate"],
  "scheduling.k8s.io": ["Workload"],
  "storage.k8s.io": ["CSIStorageCapacity"],
};

/**
 * Kinds defined by CRDs that the platform installs, with the scope their CRD declares.
 * keda.sh ScaledObject: `scope: Namespaced` in KEDA's config/crd/bases/keda.sh_scaledobjects.yaml (v2.x).
 */
export const CUSTOM_RESOURCE_SCOPES: Readonly<Record<string, Readonly<Record<string, Scope>>>> = {
  "keda.sh": { ScaledObject: "Namespaced" },
};

/** The API group of a manifest's apiVersion: `apps/v1` -> `apps`, `v1` -> "" (core). */
export function apiGroupOf(manifest: Json): string {
  const apiVersion = typeof manifest.apiVersion === "string" ? manifest.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The scope of a manifest's kind, or undefined when neither Kubernetes 1.35 nor a listed CRD defines it. */
export function scopeOf(manifest: Json): Scope | undefined {
  if (!isObject(manifest)) return undefined;
  const group = apiGroupOf(manifest);
  const kind = String(manifest.kind ?? "");
  if (CLUSTER_SCOPED_KINDS[group]?.includes(kind)) return "Cluster";
  if (NAMESPACED_KINDS[group]?.includes(kind)) return "Namespaced";
  return CUSTOM_RESOURCE_SCOPES[group]?.[kind];
}
