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

/** Built by `make dockerfile-frontend` from BuildKit v0.34.2, as docker/dockerfile:1 is. */
export const SYNTAX_FRONTEND = "dockerfile-frontend:v0.34.2";

/** The frontend image under test: env SLIMGO_IMAGE, as in the end-to-end tests. */
export const SLIMGO_IMAGE = process.env["SLIMGO_IMAGE"] ?? "slimgo:dev";

/** Contender names the report and the `slimgo build` rows look up. */
export const NAMES = {
  seed: "seed Dockerfile",
  expert: "expert Dockerfile",
  expertSyntax: "expert, # syntax=",
  slimgo: "slimgo",
} as const;

/** The article's Dockerfile: modules first, then the source, static build, scratch. */
const seed = (main: string) => `FROM ${BUILDER} AS build
# Build args a private or loopback module proxy needs (not predefined like HTTP_PROXY).
ARG GOPROXY
ARG GOSUMDB
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download -x
COPY . .
RUN CGO_ENABLED=0 go build -ldflags "-s -w" -o /app ${main}

FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
`;

/**
 * The expert Dockerfile: cache mounts, bind-mounted source, native cross-compilation, a static base.
 * `cacheId` names its cache mounts: two experts with the same steps and caches on one builder would
 * hit each other's cache, so the `# syntax=` one gets its own.
 */
export const expert = (main: string, cacheId?: string) => {
  const id = (name: string) => (cacheId ? `id=${cacheId}-${name},` : "");
  return `FROM --platform=$BUILDPLATFORM ${BUILDER} AS build
ARG GOPROXY
ARG GOSUMDB
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
RUN --mount=type=cache,${id("mod")}target=/go/pkg/mod \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=bind,source=go.sum,target=go.sum \\
    go mod download
RUN --mount=type=cache,${id("mod")}target=/go/pkg/mod \\
    --mount=type=cache,${id("build")}target=/root/.cache/go-build \\
    --mount=type=bind,target=. \\
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w" -o /out/app ${main}

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
`;
};

const slimgo = (main: string) => `# syntax=${SLIMGO_IMAGE}
main: ${main}
`;

/**
 * The contenders for a Go program whose main package is `main` ("./cmd/server").
 * The seed Dockerfile only with `seed`: on real projects it recompiles everything on every change,
 * which the generated workload already shows.
 */
export function contendersFor(main: string, opts: { seed: boolean }): Contender[] {
  return [
    ...(opts.seed ? [{ name: NAMES.seed, file: "seed.Dockerfile", text: seed(main), crossCompiles: false, note: "the article's Dockerfile; other platforms need QEMU" }] : []),
    { name: NAMES.expert, file: "expert.Dockerfile", text: expert(main), crossCompiles: true, note: "the engine's built-in Dockerfile frontend" },
    // What users run: docker/dockerfile:1 is a frontend image, which cannot be pulled here, so the same frontend is built from source.
    { name: NAMES.expertSyntax, file: "expert-syntax.Dockerfile", text: `# syntax=${SYNTAX_FRONTEND}\n${expert(main, "syntax")}`, crossCompiles: true, note: "the expert Dockerfile run by a Dockerfile frontend image" },
    { name: NAMES.slimgo, file: "slimgo.yaml", text: slimgo(main), crossCompiles: true, note: "two-line spec" },
  ];
}

/** The generated workload's contenders. */
export const CONTENDERS: readonly Contender[] = contendersFor("./cmd/server", { seed: true });
