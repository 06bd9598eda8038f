#!/usr/bin/env bash
# Runs a command in a pristine Debian root (made with mmdebstrap) holding a clone of this
# repository's committed HEAD at /root/project, as root, with a clean environment. CI uses it to run
# scripts/test.sh on another Debian release than the machine's own, e.g.:
#
#   scripts/ci/debian-root.sh --suite trixie --env PG_MAJOR=17 -- scripts/test.sh
#
# Options:
#   --suite S           Debian release (default: trixie)
#   --env NAME=VALUE    set in the command's environment (repeatable)
#   --keep              leave the root in place afterwards (its path is printed)
#   --no-valid-until    accept Release files past their Valid-Until date (an archive served from a
#                       fixed snapshot, where unstable's expire after a week)
# The command runs in /root/project through bash -c; its exit code is this script's.
#
# Needs root and the machine's package archive (mmdebstrap is installed from it when missing). The
# pristine root of each release is cached as a tarball in /var/tmp, so later runs start in seconds.
# The root gets this machine's name resolution, its extra certificate authorities
# (/usr/local/share/ca-certificates) and its pip/npm client settings, so the package registries are
# reached the way this machine reaches them.
set -euo pipefail
suite=trixie keep=0 valid_until=1 envs=()
usage() { echo "usage: $0 [--suite S] [--env NAME=VALUE]... [--keep] [--no-valid-until] -- COMMAND..." >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=$2; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    --no-valid-until) valid_until=0; shift ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || usage
[ "$(id -u)" -eq 0 ] || { echo "debian-root.sh: needs root" >&2; exit 2; }
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v mmdebstrap >/dev/null; then
  say "installing mmdebstrap"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi
aptopts=()
[ "$valid_until" = 1 ] || aptopts+=(--aptopt='Acquire::Check-Valid-Until "false"')
base=/var/tmp/auth_ext-debian-$suite.tar
if [ ! -s "$base" ]; then
  say "making a pristine Debian $suite root (cached in $base)"
  rm -f "$base.tmp"
  mmdebstrap --quiet --variant=apt --format=tar ${aptopts[@]+"${aptopts[@]}"} \
    --include=ca-certificates,git "$suite" "$base.tmp"
  mv "$base.tmp" "$base"
fi

work=$(mktemp -d /var/tmp/auth_ext-root.XXXXXX)
root=$work/root
mkdir -p "$root"
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then say "root kept at $root"; else rm -rf "$work"; fi
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
for m in proc sys dev dev/pts; do
  mkdir -p "$root/$m"
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sys "$root/sys" ;;
    dev) mount --bind /dev "$root/dev" ;;
    dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
  esac
  mounted+=("$root/$m")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
fi
for f in /etc/pip.conf /etc/npmrc /root/.npmrc /root/.config/pip/pip.conf; do
  if [ -f "$f" ]; then mkdir -p "$root$(dirname "$f")" && cp "$f" "$root$f"; fi
done

git clone -q --bare "$repo" "$root/srv/project.git"
git -C "$root/srv/project.git" update-ref HEAD "$(git -C "$repo" rev-parse HEAD)"
chroot "$root" git clone -q /srv/project.git /root/project
say "Debian $suite ($(cat "$root/etc/debian_version")), clone of $(git -C "$repo" rev-parse --short HEAD): $*"

start=$SECONDS
set +e
chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt ${CI:+CI=$CI} ${envs[@]+"${envs[@]}"} \
  bash -c "cd /root/project && $*" </dev/null
rc=$?
set -e
say "Debian $suite: exit $rc after $((SECONDS - start)) s"
exit $rc
