# The slimgo frontend image. BuildKit runs it for every build whose spec
# starts with `# syntax=<this image>`. The bundle is built on the host
# (`make bundle`): image builds cannot always reach the npm registry.
ARG NODE_IMAGE=node:24-slim

# Node and exactly the shared libraries it loads, nothing else of the distro:
# the frontend needs no shell, package manager or CA bundle.
FROM ${NODE_IMAGE} AS node
RUN set -eu; mkdir -p /rootfs/tmp /rootfs/usr/bin; \
    cp -L /usr/bin/node /rootfs/usr/bin/node; \
    for lib in $(ldd /usr/bin/node | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do \
      cp -L --parents "$lib" /rootfs/; \
    done; \
    # Debian's libnode loads some built-in modules from files at start-up.
    for f in $(grep -aoE '/usr/share/nodejs/[A-Za-z0-9_./@-]+[.](js|mjs|wasm)' "$(ldd /usr/bin/node | awk '/libnode/ { print $3 }')" | sort -u); do \
      if [ -e "$f" ]; then cp -L --parents "$f" /rootfs/; fi; \
    done; \
    chmod 1777 /rootfs/tmp
# ICU's data is a third of the image; the frontend needs only the root and English locales of it.
COPY scripts/frontend-image/icu-data-filter.mjs scripts/frontend-image/icu-keep.txt /filter/
RUN node /filter/icu-data-filter.mjs "/rootfs$(ldd /usr/bin/node | awk '/libicudata/ { print $3 }')" --keep /filter/icu-keep.txt

# The loaded bundle as a V8 startup snapshot: a process starts from the saved heap instead of compiling and
# running the bundle. A snapshot only loads into the node that wrote it, so the image's own node writes it.
FROM node AS snapshot
COPY dist/frontend.cjs /slimgo/frontend.cjs
RUN node --no-warnings --snapshot-blob /slimgo/frontend.blob --build-snapshot /slimgo/frontend.cjs

FROM scratch
COPY --from=node /rootfs/ /
COPY --from=snapshot /slimgo/frontend.blob /slimgo/frontend.blob
# The frontend talks to BuildKit over stdio only and needs no network.
LABEL moby.buildkit.frontend.network.none="true"
# --build-context supplies replace targets that live outside the build context;
# --call check|outline|targets|size are answered as subrequests.
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.contexts,moby.buildkit.frontend.subrequests"
ENV NODE_ENV=production
# A 1 MB young generation: the frontend lives for a second and allocates little; V8's default reserves 16 MB
# semi-spaces, and peak RSS dropped from 87 to 83 MB on a no-op build.
ENTRYPOINT ["/usr/bin/node", "--max-semi-space-size=1", "--snapshot-blob", "/slimgo/frontend.blob"]
