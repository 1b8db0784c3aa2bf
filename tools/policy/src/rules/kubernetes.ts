/**
 * Pod security: the Pod Security Standards `restricted` profile (checked on every pod template, wherever
 * it comes from, so a namespace label cannot be the only line of defence) plus a read-only root filesystem,
 * and the `baseline` host-isolation checks.
 */
import { addressOf, containersOf, kindOf, labelsOf, metadataOf, podBearing, type ContainerRef, type PodTemplate } from "../kubernetes";
import { isObject } from "../terraform";
import type { Json, KubernetesObject, PolicyInput, Rule, Violation } from "../types";

const securityContext = (value: Json): Json => (isObject(value.securityContext) ? value.securityContext : {});

/** Runs `check` on every container of every pod template; each returned message becomes a finding. */
function perContainer(input: PolicyInput, check: (container: ContainerRef, pod: PodTemplate) => string | undefined): Violation[] {
  return podBearing(input.kubernetes).flatMap(({ object, pod }) =>
    containersOf(pod.spec).flatMap((ref) => {
      const message = check(ref, pod);
      return message ? [{ address: addressOf(object), message: `${ref.field} (${ref.name}): ${message}` }] : [];
    }),
  );
}

function perPod(input: PolicyInput, check: (pod: PodTemplate, object: KubernetesObject) => string[]): Violation[] {
  return podBearing(input.kubernetes).flatMap(({ object, pod }) => check(pod, object).map((message) => ({ address: addressOf(object), message })));
}

export const runAsNonRoot: Rule = {
  id: "K8S-POD-001",
  title: "Containers run as a non-root user",
  control: "runAsNonRoot is true for every container (pod or container level) and no container runs as UID 0 (PSS restricted).",
  check: (input) =>
    perContainer(input, ({ container }, pod) => {
      const own = securityContext(container);
      const podContext = securityContext(pod.spec);
      const nonRoot = own.runAsNonRoot ?? podContext.runAsNonRoot;
      if (nonRoot !== true) return "runAsNonRoot is not true (neither on the container nor on the pod)";
      const user = own.runAsUser ?? podContext.runAsUser;
      return user === 0 || user === "0" ? "runAsUser is 0 (root)" : undefined;
    }),
};

export const noPrivilegeEscalation: Rule = {
  id: "K8S-POD-002",
  title: "Containers cannot gain privileges (allowPrivilegeEscalation: false)",
  control: "No setuid binary or file capability can raise a process's privileges inside the container (PSS restricted).",
  check: (input) =>
    perContainer(input, ({ container }) =>
      securityContext(container).allowPrivilegeEscalation === false ? undefined : "allowPrivilegeEscalation is not false",
    ),
};

export const dropAllCapabilities: Rule = {
  id: "K8S-POD-003",
  title: "Containers drop ALL capabilities and add none but NET_BIND_SERVICE",
  control: "Containers hold no Linux capabilities beyond binding low ports (PSS restricted).",
  check: (input) =>
    perContainer(input, ({ container }) => {
      const capabilities = securityContext(container).capabilities;
      const drop = isObject(capabilities) && Array.isArray(capabilities.drop) ? capabilities.drop.map(String) : [];
      const add = isObject(capabilities) && Array.isArray(capabilities.add) ? capabilities.add.map(String) : [];
      if (!drop.includes("ALL")) return "capabilities.drop does not include ALL";
      const extra = add.filter((c) => c !== "NET_BIND_SERVICE");
      return extra.length > 0 ? `capabilities.add includes ${extra.join(", ")}` : undefined;
    }),
};

const ALLOWED_SECCOMP = ["RuntimeDefault", "Localhost"];

export const seccompProfile: Rule = {
  id: "K8S-POD-004",
  title: "Containers run under a seccomp profile (RuntimeDefault or Localhost)",
  control: "System calls are filtered by the runtime's default profile or a node-local one, never Unconfined (PSS restricted).",
  check: (input) =>
    perContainer(input, ({ container }, pod) => {
      const own = securityContext(container).seccompProfile;
      const podProfile = securityContext(pod.spec).seccompProfile;
      const type = isObject(own) ? own.type : isObject(podProfile) ? podProfile.type : undefined;
      if (type === undefined) return "no seccompProfile on the container or the pod";
      return ALLOWED_SECCOMP.includes(String(type)) ? undefined : `seccompProfile.type is ${String(type)}`;
    }),
};

export const readOnlyRootFilesystem: Rule = {
  id: "K8S-POD-005",
  title: "Containers have a read-only root filesystem",
  control: "An attacker inside a container cannot write tools or modify binaries on the image's filesystem (kube-score).",
  check: (input) =>
    perContainer(input, ({ container }) =>
      securityContext(container).readOnlyRootFilesystem === true ? undefined : "readOnlyRootFilesystem is not true",
    ),
};

export const noPrivilegedContainers: Rule = {
  id: "K8S-POD-006",
  title: "No privileged containers",
  control: "No container has the host's devices and every capability (PSS baseline).",
  check: (input) => perContainer(input, ({ container }) => (securityContext(container).privileged === true ? "privileged is true" : undefined)),
};

export const noHostNamespaces: Rule = {
  id: "K8S-POD-007",
  title: "No pod shares the host's network, PID or IPC namespace",
  control: "Pods cannot see or bind the node's network stack, processes or shared memory (PSS baseline).",
  check: (input) => perPod(input, ({ spec }) => ["hostNetwork", "hostPID", "hostIPC"].filter((field) => spec[field] === true).map((field) => `${field} is true`)),
};

/** The volume types the restricted profile admits: none of them reaches into the node. */
export const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"] as const;

export const noHostPathVolumes: Rule = {
  id: "K8S-POD-008",
  title: "No hostPath volumes (only the volume types the restricted profile allows)",
  control:
    "Pods cannot mount the node's filesystem (kubelet credentials, the container runtime socket) or any other volume " +
    "type outside PSS restricted's list (PSS baseline and restricted).",
  check: (input) =>
    perPod(input, ({ spec }) =>
      (Array.isArray(spec.volumes) ? spec.volumes.filter(isObject) : []).flatMap((volume) => {
        if (volume.hostPath !== undefined) return [`volume ${String(volume.name)} is a hostPath volume`];
        const types = Object.keys(volume).filter((key) => key !== "name");
        const other = types.filter((type) => !(RESTRICTED_VOLUME_TYPES as readonly string[]).includes(type));
        return other.length > 0 ? [`volume ${String(volume.name)} is of type ${other.join(", ")}, which the restricted profile refuses`] : [];
      }),
    ),
};

export const noHostPorts: Rule = {
  id: "K8S-POD-009",
  title: "No hostPort",
  control: "Pods are reached through Services and the ingress controller only, never by binding a port on the node (PSS baseline).",
  check: (input) =>
    perContainer(input, ({ container }) => {
      const ports = Array.isArray(container.ports) ? container.ports.filter(isObject) : [];
      const bound = ports.filter((port) => port.hostPort !== undefined && Number(port.hostPort) !== 0);
      return bound.length > 0 ? `binds hostPort ${bound.map((p) => String(p.hostPort)).join(", ")}` : undefined;
    }),
};

export const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

export const namespacesEnforceRestricted: Rule = {
  id: "K8S-PSA-001",
  title: "Every namespace a stack creates enforces the restricted Pod Security Standard",
  control:
    "Pods of charts that cannot be rendered here (Traefik, KEDA) are still held to the restricted profile by the API " +
    "server at admission, and so is anything added to those namespaces later.",
  check: ({ kubernetes }) =>
    kubernetes
      .filter((o) => kindOf(o) === "Namespace")
      .flatMap((namespace): Violation[] => {
        const level = labelsOf(metadataOf(namespace))[PSA_ENFORCE];
        return level === "restricted" ? [] : [{ address: addressOf(namespace), message: `${PSA_ENFORCE} is ${level ?? "unset"}, not restricted` }];
      }),
};

export const KUBERNETES_RULES: readonly Rule[] = [
  runAsNonRoot,
  noPrivilegeEscalation,
  dropAllCapabilities,
  seccompProfile,
  readOnlyRootFilesystem,
  noPrivilegedContainers,
  noHostNamespaces,
  noHostPathVolumes,
  noHostPorts,
  namespacesEnforceRestricted,
];
