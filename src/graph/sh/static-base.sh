#!/bin/sh
# The static base, assembled in SLIMGO_ROOTFS from the builder image: CA
# certificates, zoneinfo, a nonroot user (SLIMGO_UID) with a home, a sticky
# /tmp and nsswitch.conf. A shell step, since LLB mkdir cannot make a 1777 /tmp.
set -eu
r=$SLIMGO_ROOTFS
for f in "$SLIMGO_CA_BUNDLE" "$SLIMGO_ZONEINFO/UTC"; do
  [ -e "$f" ] || { echo "slimgo: the builder image has no $f: use a builder with ca-certificates and tzdata (golang:*-bookworm has both), or base: scratch" >&2; exit 1; }
done
mkdir -p "$r/etc/ssl/certs" "$r/usr/share" "$r/tmp" "$r/home/nonroot"
printf '%s' "$SLIMGO_PASSWD" > "$r/etc/passwd"
printf '%s' "$SLIMGO_GROUP" > "$r/etc/group"
printf '%s' "$SLIMGO_NSSWITCH" > "$r/etc/nsswitch.conf"
cp -L "$SLIMGO_CA_BUNDLE" "$r$SLIMGO_CA_BUNDLE"
# caCerts: the spec's own CAs (one context path a line), appended to the bundle.
if [ -n "${SLIMGO_EXTRA_CA:-}" ]; then
  printf '%s\n' "$SLIMGO_EXTRA_CA" | while IFS= read -r f; do
    grep -q 'BEGIN CERTIFICATE' "$SLIMGO_CA_DIR/$f" 2>/dev/null || { echo "slimgo: caCerts: $f is not a PEM certificate in the build context" >&2; exit 1; }
    { echo; cat "$SLIMGO_CA_DIR/$f"; } >> "$r$SLIMGO_CA_BUNDLE"
  done
fi
# zoneinfo's links to other zones stay links (a zone's aliases cost no
# bytes); a link that leaves zoneinfo is copied as the file it names.
cp -R "$SLIMGO_ZONEINFO" "$r$SLIMGO_ZONEINFO"
find "$r$SLIMGO_ZONEINFO" -type l | while read -r link; do
  case $(readlink "$link") in
    /*) rm "$link"; if [ -f "${link#"$r"}" ]; then cp -L "${link#"$r"}" "$link"; fi ;;
  esac
done
chmod 1777 "$r/tmp"
chmod 700 "$r/home/nonroot"
chown "$SLIMGO_UID:$SLIMGO_UID" "$r/home/nonroot"
find "$r" -exec touch -h -d @0 {} +
