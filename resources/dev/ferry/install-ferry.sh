#!/usr/bin/env bash
# Puts the pinned ferry CLI jar on this machine and prints its path on stdout (nothing else there).
#
#   jar=$(bash resources/dev/ferry/install-ferry.sh)
#   java -jar "$jar" --version
#
# FERRY_JAR set:      uses that jar as it is (one built by this repository, or fetched by other means).
# Otherwise:          fetches dev/ferry/ferry-cli/<version>/ferry-cli-<version>.jar from
#                     FERRY_MAVEN_REPO (default https://repo1.maven.org/maven2; a mirror, file:// too),
#                     checks its SHA-256 with sha256sum -c, and keeps it in the tool cache
#                     FERRY_TOOL_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/ferry/tools), so later
#                     runs on this agent start at once.
# <version> and its SHA-256 come from ferry.properties beside this script; FERRY_VERSION and
# FERRY_SHA256 override both together (a version without its checksum is refused).
#
# Exit codes follow ferry's: 1 checksum mismatch, 2 bad settings, 3 download failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
props=${FERRY_PROPERTIES:-"$here/ferry.properties"}

fail() {
  echo "install-ferry: $2" >&2
  exit "$1"
}

prop() {
  sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$props" | tail -n 1 | tr -d '[:space:]'
}

# Never print the user:password part of a mirror URL.
redact() {
  sed -E 's#(://)[^/@]*@#\1***@#' <<<"$1"
}

if [ -n "${FERRY_JAR:-}" ]; then
  [ -f "$FERRY_JAR" ] || fail 2 "FERRY_JAR=$FERRY_JAR is not a file; unset it to fetch the pinned version"
  printf '%s\n' "$FERRY_JAR"
  exit 0
fi

[ -f "$props" ] || fail 2 "$props is missing; it pins the ferry version and its SHA-256"
if [ -n "${FERRY_VERSION:-}" ]; then
  version=$FERRY_VERSION
  sha=${FERRY_SHA256:-}
  [ -n "$sha" ] || fail 2 "FERRY_VERSION=$version is set without FERRY_SHA256; pin the jar's checksum too"
else
  version=$(prop version)
  sha=${FERRY_SHA256:-$(prop sha256)}
fi
sha=$(tr 'A-F' 'a-f' <<<"$sha")
[[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || fail 2 "version '$version' ($props) is not a Maven version"
[[ $sha =~ ^[0-9a-f]{64}$ ]] || fail 2 "no SHA-256 pinned for ferry $version in $props (sha256=); set sha256 there, or FERRY_SHA256, or FERRY_JAR to a jar you trust"

repo=${FERRY_MAVEN_REPO:-https://repo1.maven.org/maven2}
repo=${repo%/}
cache=${FERRY_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry/tools}
dir="$cache/ferry-cli/$version"
name="ferry-cli-$version.jar"
jar="$dir/$name"

verify() { # verify DIR FILE: sha256sum -c on FILE in DIR against the pinned checksum
  (cd "$1" && printf '%s  %s\n' "$sha" "$2" | sha256sum -c --status -)
}

if [ -f "$jar" ] && verify "$dir" "$name"; then
  printf '%s\n' "$jar"
  exit 0
fi

mkdir -p "$dir" || fail 2 "cannot create the tool cache $dir"
tmp=$(mktemp "$dir/.download.XXXXXX")
trap 'rm -f "$tmp"' EXIT
url="$repo/dev/ferry/ferry-cli/$version/$name"
echo "install-ferry: fetching $(redact "$url")" >&2
# A mirror's user:password goes into a private netrc file, never onto curl's command line (which
# every user of the agent can read in the process list).
netrc=""
auth=()
fetch=$url
if [[ $url =~ ^(https?://)([^/@]*)@(.*)$ ]]; then
  userinfo=${BASH_REMATCH[2]}
  fetch=${BASH_REMATCH[1]}${BASH_REMATCH[3]}
  host=${BASH_REMATCH[3]%%/*}
  host=${host%%:*}
  netrc=$(umask 077 && mktemp "$dir/.netrc.XXXXXX")
  trap 'rm -f "$tmp" "$netrc"' EXIT
  printf 'machine %s\nlogin %s\npassword %s\n' "$host" "${userinfo%%:*}" "${userinfo#*:}" > "$netrc"
  auth=(--netrc-file "$netrc")
fi
curl -fsSL --retry 3 --connect-timeout 20 --max-time 600 "${auth[@]}" -o "$tmp" "$fetch" \
  || fail 3 "cannot download $(redact "$url"); check FERRY_MAVEN_REPO and the network"
[ -z "$netrc" ] || rm -f "$netrc"
if ! verify "$dir" "$(basename "$tmp")"; then
  actual=$(sha256sum "$tmp" | cut -d' ' -f1)
  fail 1 "SHA-256 mismatch for $(redact "$url"): expected $sha, got $actual; the jar was not installed"
fi
mv -f "$tmp" "$jar"
trap - EXIT
printf '%s\n' "$jar"
