#!/usr/bin/env bash
# Runs a command inside an image tarball built by Jib (./mvnw -Pimages package) without a
# container engine: unpacks its layers in order and runs the image's entrypoint with the given
# arguments under chroot, as the image's user. Needs root, and a base built for this machine
# (ops/images/offline-base.sh). For smoke tests only: no namespaces, no limits, the host's network.
#
#   sudo ops/images/chroot-smoke.sh server/target/jib-image.tar help
set -euo pipefail
image=${1:?usage: chroot-smoke.sh IMAGE.tar [ARGS...]}
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xf "$image" -C "$work"
mkdir "$work/rootfs"
for layer in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/manifest.json"); do
  tar -xf "$work/$layer" -C "$work/rootfs" 2>/dev/null
done
read -r user entrypoint < <(python3 -c '
import json, sys
config = json.load(open(sys.argv[1]))["config"]
print(config.get("User") or "0", " ".join(config["Entrypoint"]))' "$work/config.json")
# The image has no shell: chroot runs the entrypoint itself, with the image's environment plus
# the caller's SP_* and PORT variables.
mapfile -t passed < <(env | grep -E '^(SP_[A-Z0-9_]*|PORT)=' || true)
# shellcheck disable=SC2086
env -i PATH=/opt/java/openjdk/bin:/usr/bin:/bin HOME=/var/lib/signet \
  SP_STATE_DIR=/var/lib/signet/state "${passed[@]}" "$(command -v chroot)" --userspec="$user" "$work/rootfs" $entrypoint "$@"
