{{/*
The pgsidecar agent in an application chart's pods. A fault that touches only the agent must never
cost the application its place in a Service, so the agent joins the pod in the form the cluster
allows, chosen by sidecar.mode (auto: from the cluster's version):

  native (Kubernetes 1.29+): an init container with restartPolicy Always. Its liveness probe looks
    at the agent's process only; it has no readiness probe, so it never counts against the pod's
    readiness, and a crash restarts the agent alone. It has no startup probe either unless
    sidecar.waitForAgent is set: a native sidecar's startup probe holds back the application's
    containers until it passes, so an agent that cannot start would keep the application from
    starting.
  container (older clusters): a plain container whose readiness probe fails only when the agent
    itself does not serve HTTP (/q/health/started), never because of the database.

Include both templates; each renders the agent only in its own form:

  {{- with include "pgsidecar.initContainer" (dict "Values" .Values.pgsidecar "Chart" .Subcharts.pgsidecar.Chart "Release" .Release "Capabilities" .Capabilities) }}
  initContainers:
    {{- . | nindent 4 }}
  {{- end }}
  containers:
    - name: app
      ...
    {{- include "pgsidecar.container" (...same dict...) | nindent 4 }}
  volumes:
    {{- include "pgsidecar.volumes" (...same dict...) | nindent 4 }}

It needs the ConfigMap this chart renders (or one with the same name). The database's state is
reported by /api/v1/admin/database/health, the metrics and the alerts, never by the pod's readiness.
*/}}

{{/* native or container: sidecar.mode, or with auto the cluster's version (1.29+ is native). */}}
{{- define "pgsidecar.sidecarForm" -}}
{{- $mode := .Values.sidecar.mode | default "auto" -}}
{{- if eq $mode "auto" -}}
{{- if and .Capabilities (semverCompare ">=1.29-0" .Capabilities.KubeVersion.Version) -}}native{{- else -}}container{{- end -}}
{{- else -}}
{{- $mode -}}
{{- end -}}
{{- end -}}

{{/* The agent as a regular container of the pod, when the sidecar form is container. */}}
{{- define "pgsidecar.container" -}}
{{- if eq (include "pgsidecar.sidecarForm" .) "container" -}}
{{- include "pgsidecar.agent" (dict "ctx" . "form" "container") -}}
{{- end -}}
{{- end -}}

{{/* The agent as a native sidecar (an init container that keeps running), when the form is native. */}}
{{- define "pgsidecar.initContainer" -}}
{{- if eq (include "pgsidecar.sidecarForm" .) "native" -}}
{{- include "pgsidecar.agent" (dict "ctx" . "form" "native") -}}
{{- end -}}
{{- end -}}

{{/* The agent's container; form is standalone (its own Deployment: readiness includes the database), container or native. */}}
{{- define "pgsidecar.agent" -}}
{{- $form := .form -}}
{{- with .ctx -}}
{{- include "pgsidecar.validate" . -}}
- name: pgsidecar
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  ports:
    - name: pgsidecar
      containerPort: {{ .Values.port }}
      protocol: TCP
  envFrom:
    - configMapRef:
        name: {{ include "pgsidecar.fullname" . }}
  env:
    - name: QUARKUS_HTTP_PORT
      value: {{ .Values.port | quote }}
    - name: PGSIDECAR_INSTANCE_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    {{- if .Values.database.existingSecret }}
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          name: {{ .Values.database.existingSecret }}
          key: {{ .Values.database.urlKey }}
    {{- else }}
    - name: DATABASE_URL
      value: {{ printf "postgresql://%s@%s:%v/%s%s" .Values.database.user .Values.database.host .Values.database.port .Values.database.name (ternary (printf "?%s" .Values.database.params) "" (ne .Values.database.params "")) | quote }}
    {{- if .Values.database.passwordSecret.name }}
    - name: DATABASE_PASSWORD_FILE
      value: /etc/pgsidecar/database/password
    {{- else if .Values.database.password }}
    - name: QUARKUS_DATASOURCE_PASSWORD
      value: {{ .Values.database.password | quote }}
    {{- end }}
    {{- end }}
    {{- if .Values.acting.existingSecret }}
    - name: PGSIDECAR_ACTING_DATABASE_URL
      valueFrom:
        secretKeyRef:
          name: {{ .Values.acting.existingSecret }}
          key: {{ .Values.acting.urlKey }}
    {{- else if .Values.acting.user }}
    - name: PGSIDECAR_ACTING_DATABASE_URL
      value: {{ printf "postgresql://%s@%s:%v/%s%s" .Values.acting.user .Values.database.host .Values.database.port .Values.database.name (ternary (printf "?%s" .Values.database.params) "" (ne .Values.database.params "")) | quote }}
    {{- if .Values.acting.passwordSecret.name }}
    - name: PGSIDECAR_ACTING_PASSWORD_FILE
      value: /etc/pgsidecar/acting/password
    {{- end }}
    {{- end }}
    {{- if .Values.admin.tokenSecret.name }}
    - name: PGSIDECAR_ADMIN_TOKEN_FILE
      value: /etc/pgsidecar/admin/token
    {{- end }}
    - name: DB_ALERTS_ENABLED
      value: {{ .Values.alerts.enabled | quote }}
    {{- with .Values.alerts.alertmanagerUrls }}
    - name: PGSIDECAR_ALERTS_NOTIFICATIONS_ALERTMANAGER_URLS
      value: {{ join "," . | quote }}
    {{- end }}
    {{- with .Values.alerts.webhookUrls }}
    - name: PGSIDECAR_ALERTS_NOTIFICATIONS_WEBHOOK_URLS
      value: {{ join "," . | quote }}
    {{- end }}
    {{- if .Values.alerts.webhookSecret.name }}
    - name: PGSIDECAR_ALERTS_NOTIFICATIONS_WEBHOOK_SECRET
      valueFrom:
        secretKeyRef:
          name: {{ .Values.alerts.webhookSecret.name }}
          key: {{ .Values.alerts.webhookSecret.key }}
    {{- end }}
    - name: PGSIDECAR_ALERTS_NOTIFICATIONS_RESEND_INTERVAL
      value: {{ .Values.alerts.resendInterval | quote }}
    {{- range $rule, $o := .Values.alerts.rules }}
    {{- range $field := list "enabled" "for" "warning" "critical" }}
    {{- if hasKey $o $field }}
    - name: {{ printf "PGSIDECAR_ALERTS_RULES_%s_%s" (upper $rule) (upper $field) }}
      value: {{ index $o $field | toString | quote }}
    {{- end }}
    {{- end }}
    {{- end }}
    {{- if .Values.replicas }}
    - name: READ_REPLICAS
      value: {{ include "pgsidecar.replicasJson" . | quote }}
    {{- end }}
  {{- if eq $form "native" }}
  restartPolicy: Always
  {{- end }}
  livenessProbe:
    httpGet:
      path: /q/health/live
      port: pgsidecar
    {{- if and (eq $form "native") (not .Values.sidecar.waitForAgent) }}
    initialDelaySeconds: 10
    {{- end }}
    periodSeconds: 10
    failureThreshold: 3
  {{- if eq $form "standalone" }}
  readinessProbe:
    httpGet:
      path: /q/health/ready
      port: pgsidecar
    periodSeconds: 10
    failureThreshold: 3
  {{- else if eq $form "container" }}
  readinessProbe:
    httpGet:
      path: /q/health/started
      port: pgsidecar
    periodSeconds: 10
    failureThreshold: 3
  {{- end }}
  {{- if or (ne $form "native") .Values.sidecar.waitForAgent }}
  startupProbe:
    httpGet:
      path: /q/health/started
      port: pgsidecar
    periodSeconds: 2
    failureThreshold: 30
  {{- end }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: pgsidecar-tmp
      mountPath: /tmp
    {{- if and (not .Values.database.existingSecret) .Values.database.passwordSecret.name }}
    - name: pgsidecar-database
      mountPath: /etc/pgsidecar/database
      readOnly: true
    {{- end }}
    {{- if and (not .Values.acting.existingSecret) .Values.acting.user .Values.acting.passwordSecret.name }}
    - name: pgsidecar-acting
      mountPath: /etc/pgsidecar/acting
      readOnly: true
    {{- end }}
    {{- if .Values.admin.tokenSecret.name }}
    - name: pgsidecar-admin
      mountPath: /etc/pgsidecar/admin
      readOnly: true
    {{- end }}
    {{- range .Values.replicas }}
    - name: pgsidecar-replica-{{ .name }}
      mountPath: /etc/pgsidecar/replicas/{{ .name }}
      readOnly: true
    {{- end }}
{{- end }}
{{- end -}}

{{/* Volumes the container mounts: a writable /tmp and each secret as files. */}}
{{- define "pgsidecar.volumes" -}}
- name: pgsidecar-tmp
  emptyDir:
    medium: Memory
    sizeLimit: 16Mi
{{- if and (not .Values.database.existingSecret) .Values.database.passwordSecret.name }}
- name: pgsidecar-database
  secret:
    secretName: {{ .Values.database.passwordSecret.name }}
    items:
      - key: {{ .Values.database.passwordSecret.key }}
        path: password
{{- end }}
{{- if and (not .Values.acting.existingSecret) .Values.acting.user .Values.acting.passwordSecret.name }}
- name: pgsidecar-acting
  secret:
    secretName: {{ .Values.acting.passwordSecret.name }}
    items:
      - key: {{ .Values.acting.passwordSecret.key }}
        path: password
{{- end }}
{{- if .Values.admin.tokenSecret.name }}
- name: pgsidecar-admin
  secret:
    secretName: {{ .Values.admin.tokenSecret.name }}
    items:
      - key: {{ .Values.admin.tokenSecret.key }}
        path: token
{{- end }}
{{- range .Values.replicas }}
- name: pgsidecar-replica-{{ .name }}
  secret:
    secretName: {{ .passwordSecret.name }}
    items:
      - key: {{ .passwordSecret.key | default "password" }}
        path: password
{{- end }}
{{- end }}

{{/* READ_REPLICAS: passwords are files, never in the JSON. */}}
{{- define "pgsidecar.replicasJson" -}}
{{- $out := list }}
{{- range .Values.replicas }}
{{- $r := dict "name" .name "url" (printf "postgresql://%s@%s:%v/%s" .user .host (.port | default 5432) .database) "weight" (.weight | default 1) "max_lag_seconds" (.maxLagSeconds | default 30) "password_file" (printf "/etc/pgsidecar/replicas/%s/password" .name) }}
{{- $out = append $out $r }}
{{- end }}
{{- toJson $out }}
{{- end }}
