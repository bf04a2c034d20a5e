{{/* Chart name, truncated to 63 characters. */}}
{{- define "pgsidecar.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, truncated to 63 characters. */}}
{{- define "pgsidecar.fullname" -}}
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

{{- define "pgsidecar.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "pgsidecar.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pgsidecar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pgsidecar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Conflicting values fail with a message that says what to change. */}}
{{- define "pgsidecar.validate" -}}
{{- $db := .Values.database }}
{{- if and $db.password (or $db.passwordSecret.name $db.existingSecret) }}
{{- fail "database.password conflicts with database.passwordSecret / database.existingSecret: set only one" }}
{{- end }}
{{- if and $db.existingSecret $db.passwordSecret.name }}
{{- fail "database.existingSecret (a whole DATABASE_URL) conflicts with database.passwordSecret: set only one" }}
{{- end }}
{{- if and (not $db.existingSecret) (not $db.host) }}
{{- fail "set database.existingSecret, or database.host with database.name and database.user" }}
{{- end }}
{{- if and .Values.acting.existingSecret (or .Values.acting.user .Values.acting.passwordSecret.name) }}
{{- fail "acting.existingSecret (a whole acting URL) conflicts with acting.user / acting.passwordSecret: set only one" }}
{{- end }}
{{- if and .Values.acting.user $db.existingSecret }}
{{- fail "acting.user takes host, port and name from database.*, which database.existingSecret hides: give the acting login as acting.existingSecret" }}
{{- end }}
{{- end }}
