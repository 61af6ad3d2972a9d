# The slimgo frontend image, for linux/amd64 and linux/arm64. BuildKit runs it for every build whose spec
# starts with `# syntax=<this image>`. The bundles are built on the host (`make bundle`): image builds cannot
# always reach the npm registry. No step runs a binary of another architecture, so no QEMU is needed.
#
# The image's node comes from a Debian tree holding nodejs: for amd64 the NODE_IMAGE itself; for arm64 Debian's
# arm64 packages unpacked on the host (`make release` passes them as the named context slimgo-node-tree-arm64).
ARG NODE_IMAGE=node:24-slim
ARG NODE_TREE_AMD64=${NODE_IMAGE}
ARG NODE_TREE_ARM64=slimgo-node-tree-arm64
ARG ARM64_START=script

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS tools
FROM ${NODE_TREE_AMD64} AS tree-amd64
FROM ${NODE_TREE_ARM64} AS tree-arm64
FROM tree-${TARGETARCH} AS tree

# Node and exactly the shared libraries it loads, found by reading ELF on the build platform, with ICU's data
# cut to what the frontend uses; nothing else of the distro: the frontend needs no shell, package manager or CA bundle.
FROM tools AS rootfs
COPY dist/node-rootfs.cjs scripts/frontend-image/icu-keep.txt /build/
RUN --mount=type=bind,from=tree,target=/sysroot node /build/node-rootfs.cjs /sysroot /rootfs /build/icu-keep.txt
COPY dist/frontend.cjs /rootfs/slimgo/frontend.cjs

FROM scratch AS common
# The frontend talks to BuildKit over stdio only and needs no network.
LABEL moby.buildkit.frontend.network.none="true"
# --build-context supplies replace targets that live outside the build context;
# --call check|outline|targets|size are answered as subrequests.
LABEL moby.buildkit.frontend.caps="moby.buildkit.frontend.contexts,moby.buildkit.frontend.subrequests"
ENV NODE_ENV=production

# The loaded bundle as a V8 startup snapshot: a process starts from the saved heap instead of compiling and
# running the bundle. A snapshot only loads into the node that wrote it, with the same V8 flags (Node 20 checks
# them), so the image's own node writes it, with the flags of the ENTRYPOINT.
FROM scratch AS snapshot-amd64
COPY --from=rootfs /rootfs/ /
RUN ["/usr/bin/node", "--max-semi-space-size=1", "--no-warnings", "--snapshot-blob", "/slimgo/frontend.blob", "--build-snapshot", "/slimgo/frontend.cjs"]

FROM common AS image-amd64
COPY --from=rootfs --exclude=slimgo /rootfs/ /
COPY --from=snapshot-amd64 /slimgo/frontend.blob /slimgo/frontend.blob
# A 1 MB young generation: the frontend lives for a second and allocates little; V8's default reserves 16 MB
# semi-spaces, and peak RSS dropped from 87 to 83 MB on a no-op build.
ENTRYPOINT ["/usr/bin/node", "--max-semi-space-size=1", "--snapshot-blob", "/slimgo/frontend.blob"]

# arm64's snapshot is written under qemu-user on the host (scripts/frontend-image/arm64-snapshot.sh, run by
# `make release`, which sets ARM64_START=snapshot); without it, arm64 runs the bundle itself.
FROM common AS image-arm64-snapshot
COPY --from=rootfs --exclude=slimgo /rootfs/ /
COPY --from=slimgo-snapshot-arm64 /frontend.blob /slimgo/frontend.blob
ENTRYPOINT ["/usr/bin/node", "--max-semi-space-size=1", "--snapshot-blob", "/slimgo/frontend.blob"]

FROM common AS image-arm64-script
COPY --from=rootfs /rootfs/ /
ENTRYPOINT ["/usr/bin/node", "--max-semi-space-size=1", "/slimgo/frontend.cjs"]

FROM image-arm64-${ARM64_START} AS image-arm64

FROM image-${TARGETARCH}
