# The slimgo frontend image. BuildKit runs it for every build whose spec
# starts with `# syntax=<this image>`. The bundle is built on the host
# (`make bundle`): image builds cannot always reach the npm registry.
ARG NODE_IMAGE=node:24-slim
FROM ${NODE_IMAGE}
COPY dist/frontend.mjs /slimgo/frontend.mjs
# The frontend talks to BuildKit over stdio only and needs no network.
LABEL moby.buildkit.frontend.network.none="true"
ENV NODE_ENV=production
ENTRYPOINT ["/usr/bin/node", "/slimgo/frontend.mjs"]
