#!/usr/bin/env bash
# Deploys one environment: runs the migration Job with the release's image and waits for it,
# then applies the environment's overlay with that image and waits for the rollout. Used by
# .github/workflows/deploy.yml and preview.yml. A failed migration stops here, before any pod
# runs the new code.
#   KUBECONFIG_DATA  the cluster's kubeconfig (the environment's secret)
#   NAMESPACE        wellspring, wellspring-staging, wellspring-pr-<n>
#   OVERLAY          deploy/overlays/<environment>
#   TAG              the image tag to run (the commit it was built from)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${KUBECONFIG_DATA:?}" "${NAMESPACE:?}" "${OVERLAY:?}" "${TAG:?}"
image="ghcr.io/wellspring/wellspring"

kubeconfig="$(mktemp)"
trap 'rm -f "$kubeconfig"' EXIT
printf '%s' "$KUBECONFIG_DATA" >"$kubeconfig"
export KUBECONFIG="$kubeconfig"

# The manifests name the image with the tag `latest`; pin the release's tag.
render() { kubectl kustomize "$1" | sed "s#${image}:latest#${image}:${TAG}#g"; }

echo "==> migrating ${NAMESPACE} with ${image}:${TAG}"
kubectl -n "$NAMESPACE" delete job wellspring-migrate --ignore-not-found --wait=true
render deploy/kubernetes/migrate | kubectl -n "$NAMESPACE" apply -f -
if ! kubectl -n "$NAMESPACE" wait --for=condition=complete --timeout=15m job/wellspring-migrate; then
  kubectl -n "$NAMESPACE" logs job/wellspring-migrate --tail=100 || true
  echo "the migration failed: nothing was rolled out" >&2
  exit 1
fi

echo "==> rolling out ${OVERLAY} to ${NAMESPACE}"
render "$OVERLAY" | kubectl apply -f -
kubectl -n "$NAMESPACE" rollout status deployment/wellspring --timeout=15m
