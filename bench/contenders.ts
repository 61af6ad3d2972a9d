/** What slimgo is measured against, each written as its users would write it. */

export interface Contender {
  readonly name: string;
  /** File name of the build definition inside the workload directory. */
  readonly file: string;
  readonly text: string;
  /** Cross-compiles without emulation. */
  readonly crossCompiles: boolean;
  readonly note: string;
}

/** Also pushed to the bench registry for the fresh builders. */
export const BUILDER = "golang:1.26-bookworm";

/** The article's Dockerfile: modules first, then the source, static build, scratch. */
const SEED = `FROM ${BUILDER} AS build
# Build args a private or loopback module proxy needs (not predefined like HTTP_PROXY).
ARG GOPROXY
ARG GOSUMDB
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download -x
COPY . .
RUN CGO_ENABLED=0 go build -ldflags "-s -w" -o /app ./cmd/server

FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
`;

/** The expert Dockerfile: cache mounts, bind-mounted source, native cross-compilation, a static base. */
export const EXPERT = `FROM --platform=$BUILDPLATFORM ${BUILDER} AS build
ARG GOPROXY
ARG GOSUMDB
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    go mod download
RUN --mount=type=cache,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build \\
    --mount=type=bind,target=. \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/app ./cmd/server

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`;

/** The frontend image under test: env SLIMGO_IMAGE, as in the end-to-end tests. */
export const SLIMGO_IMAGE = process.env["SLIMGO_IMAGE"] ?? "slimgo:dev";

const SLIMGO = `# syntax=${SLIMGO_IMAGE}
main: ./cmd/server
`;

export const CONTENDERS: readonly Contender[] = [
  { name: "seed Dockerfile", file: "seed.Dockerfile", text: SEED, crossCompiles: false, note: "the article's Dockerfile; other platforms need QEMU" },
  { name: "expert Dockerfile", file: "expert.Dockerfile", text: EXPERT, crossCompiles: true, note: "the engine's built-in Dockerfile frontend (docker/dockerfile:1 cannot be pulled here)" },
  { name: "slimgo", file: "slimgo.yaml", text: SLIMGO, crossCompiles: true, note: "two-line spec" },
];
