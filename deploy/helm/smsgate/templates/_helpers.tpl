{{/* Labels as deploy/kubernetes/base sets them, so both forms select the same pods. */}}
{{- define "smsgate.labels" -}}
app.kubernetes.io/name: smsgate
app.kubernetes.io/part-of: smsgate
app.kubernetes.io/component: {{ . }}
{{- end -}}

{{- define "smsgate.image" -}}
{{- $root := index . 0 -}}{{- $image := index . 1 -}}
{{- $repo := ternary $image.repository (printf "%s/%s" $root.Values.image.registry $image.repository) (empty $root.Values.image.registry) -}}
{{- $digest := $image.digest | default $root.Values.image.digest -}}
{{- if $digest -}}{{ $repo }}@{{ $digest }}
{{- else -}}{{ $repo }}:{{ $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{- define "smsgate.secretName" -}}
{{- .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "smsgate.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}
