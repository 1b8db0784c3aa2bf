{{/*
Chart name, shortened to 63 characters (the DNS label limit of some Kubernetes name fields).
*/}}
{{- define "tech-interview.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: <release>-<chart>, or the release name alone when it already contains the
chart name. Truncated at 63 characters.
*/}}
{{- define "tech-interview.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of the chart's own HPA (autoscaling without KEDA). Deliberately NOT the full name: the full name
is the HPA a KEDA ScaledObject of this release owns (see "tech-interview.kedaHpaName"). When
`scaling.off_hours` is switched off, helm creates this HPA while the ScaledObject and its HPA still
exist (helm deletes removed objects last); with the same name helm would adopt KEDA's HPA, which
keeps its ownerReference to the ScaledObject and is garbage-collected with it, leaving no HPA.
*/}}
{{- define "tech-interview.hpaName" -}}
{{- printf "%s-hpa" (include "tech-interview.fullname" . | trunc 59 | trimSuffix "-") }}
{{- end }}

{{/*
Name of the HPA KEDA creates for this release's ScaledObject
(`spec.advanced.horizontalPodAutoscalerConfig.name`): the full name, which is the name of the HPA that
chart versions up to 0.2.0 rendered. Naming it lets the ScaledObject take that HPA over when a live
release switches from the HPA to KEDA (see scaledobject.yaml).
*/}}
{{- define "tech-interview.kedaHpaName" -}}
{{- include "tech-interview.fullname" . }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "tech-interview.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "tech-interview.labels" -}}
helm.sh/chart: {{ include "tech-interview.chart" . }}
{{ include "tech-interview.selectorLabels" . }}
app.kubernetes.io/version: {{ include "tech-interview.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "tech-interview.name" . }}
{{- end }}

{{/*
Selector labels: immutable on a Deployment, so nothing here may change between upgrades.
*/}}
{{- define "tech-interview.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tech-interview.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount to use.
*/}}
{{- define "tech-interview.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tech-interview.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The version label: the image tag, shortened to a valid label value (a digest does not fit in one).
*/}}
{{- define "tech-interview.version" -}}
{{- .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | trimSuffix "." | trimSuffix "_" }}
{{- end }}

{{/*
Image reference: repository:tag, plus @digest when pinned (the digest then decides what runs).
*/}}
{{- define "tech-interview.image" -}}
{{- $ref := printf "%s:%s" .repository .tag }}
{{- if .digest }}
{{- $ref = printf "%s@%s" $ref .digest }}
{{- end }}
{{- $ref }}
{{- end }}

{{/*
Pull policy: an explicit value wins; `latest` without a digest moves, so it is always pulled.
*/}}
{{- define "tech-interview.pullPolicy" -}}
{{- if .Values.image.pullPolicy }}
{{- .Values.image.pullPolicy }}
{{- else if and (eq .Values.image.tag "latest") (not .Values.image.digest) }}
{{- "Always" }}
{{- else }}
{{- "IfNotPresent" }}
{{- end }}
{{- end }}

{{/*
Container security context of every container in the chart: the Pod Security Standards `restricted`
profile plus a read-only root filesystem.
*/}}
{{- define "tech-interview.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Labels of the `helm test` pod. Deliberately not the selector labels: the Service, the PDB and the
spread constraints must never count the test pod as a replica.
*/}}
{{- define "tech-interview.testLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}
