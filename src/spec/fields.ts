/**
 * The slimgo.yaml fields, as one table. The parser validates with it; a JSON
 * Schema and the docs can be generated from it.
 */
import {
  type Check,
  checkBase,
  checkBuildEnvName,
  checkBuildTag,
  checkEnvName,
  checkFileName,
  checkGoVersion,
  checkImageRef,
  checkCompress,
  checkAnnotationKey,
  checkContextPath,
  checkLabelKey,
  checkStopSignal,
  checkLink,
  checkMain,
  checkUser,
  checkWorkdir,
  checkTargetName,
  cleanMain,
} from "./checks.js";
import type { FieldName, Spec } from "./types.js";

/** How a field is written in YAML. */
export type FieldType = "string" | "boolean" | "string list" | "string map" | "port list" | "file list" | "size policy" | "healthcheck";

/**
 * Where a field may be written: `shared` fields shape the one download step
 * all targets use, so only the top level sets them; `target` fields only
 * make sense inside `targets:`; the rest may be set in both places.
 */
export type FieldScope = "shared" | "any" | "target";

/** One row of the field table. */
export interface FieldDef<K extends FieldName = FieldName> {
  readonly name: K;
  readonly type: FieldType;
  readonly scope: FieldScope;
  /** The value when the field is absent, or undefined when it is derived (see defaultText). */
  readonly default: Spec[K] | undefined;
  /** The default as the docs state it. */
  readonly defaultText: string;
  readonly description: string;
  /** Checks a string value, or each item of a string list. */
  readonly check?: Check;
  /** Rewrites a checked string value into its canonical spelling. */
  readonly normalize?: (value: string) => string;
  /** Checks each key of a string map. */
  readonly checkKey?: Check;
}

/** Any row of the table. */
export type AnyFieldDef = { [K in FieldName]: FieldDef<K> }[FieldName];

/** Every spec field, in the order the docs list them. */
export const SPEC_FIELDS: readonly AnyFieldDef[] = [
  {
    name: "main",
    type: "string",
    scope: "any",
    default: ".",
    defaultText: `"."`,
    description: `Package to build, relative to go.mod's directory, like "./cmd/server".`,
    check: checkMain,
    normalize: cleanMain,
  },
  {
    name: "name",
    type: "string",
    scope: "any",
    default: undefined,
    defaultText: `the last element of main, or of the module path when main is "."`,
    description: "File name of the binary, installed as /usr/local/bin/<name> and used as the entrypoint.",
    check: checkFileName,
  },
  {
    name: "go",
    type: "string",
    scope: "shared",
    default: undefined,
    defaultText: "go.mod's toolchain line, else its go line (major.minor)",
    description: `Go version of the builder, "1.24" or "1.24.3".`,
    check: checkGoVersion,
  },
  {
    name: "builder",
    type: "string",
    scope: "shared",
    default: undefined,
    defaultText: `"golang:<go>-bookworm"`,
    description: "Image that runs go mod download and go build.",
    check: checkImageRef,
  },
  {
    name: "cgo",
    type: "boolean",
    scope: "any",
    default: false,
    defaultText: "false",
    description: "Build with CGO_ENABLED=1; see link for how the C libraries reach the image.",
  },
  {
    name: "link",
    type: "string",
    scope: "any",
    default: undefined,
    defaultText: `"dynamic" when cgo is true`,
    description:
      "With cgo: dynamic copies the dynamic loader and every library the binary needs (found by reading its ELF) into the image; static links them in (-linkmode external -extldflags -static, tags netgo,osusergo).",
    check: checkLink,
  },
  {
    name: "tags",
    type: "string list",
    scope: "any",
    default: [],
    defaultText: "[]",
    description: "Go build tags (-tags).",
    check: checkBuildTag,
  },
  {
    name: "ldflags",
    type: "string",
    scope: "any",
    default: "",
    defaultText: `""`,
    description:
      'Extra linker flags, added after "-s -w". ${NAME} takes the build arg NAME; ${VERSION} (default "dev"), ${SOURCE_DATE_EPOCH} (the commit time when .git is in the context, else "0"), ${DATE} (SOURCE_DATE_EPOCH as RFC 3339 UTC) and the target platform\'s ${TARGETOS}, ${TARGETARCH}, ${TARGETVARIANT}, ${TARGETPLATFORM} are always set; ${COMMIT} is the commit .git/HEAD names when .git is in the context. A build arg of the same name wins. Like "-X main.version=${VERSION}".',
  },
  {
    name: "buildEnv",
    type: "string map",
    scope: "shared",
    default: [],
    defaultText: "{}",
    description: "Environment for go mod download and go build; CGO_ENABLED, GOOS and GOARCH come from cgo and --platform.",
    checkKey: checkBuildEnvName,
  },
  {
    name: "base",
    type: "string",
    scope: "any",
    default: "static",
    defaultText: `"static"`,
    description: "Final stage: static (scratch with CA certs, tzdata, nonroot user, /tmp), scratch (the binary alone), distroless, or an image reference.",
    check: checkBase,
  },
  {
    name: "user",
    type: "string",
    scope: "any",
    default: "65532:65532",
    defaultText: `"65532:65532"`,
    description: "User the container runs as: uid[:gid] or a name.",
    check: checkUser,
  },
  {
    name: "env",
    type: "string map",
    scope: "any",
    default: [],
    defaultText: "{}",
    description: "Environment of the running container.",
    checkKey: checkEnvName,
  },
  {
    name: "ports",
    type: "port list",
    scope: "any",
    default: [],
    defaultText: "[]",
    description: `Exposed ports: numbers (TCP) or strings like "53/udp".`,
  },
  {
    name: "args",
    type: "string list",
    scope: "any",
    default: [],
    defaultText: "[]",
    description: "Arguments passed to the binary (the image's Cmd).",
  },
  {
    name: "labels",
    type: "string map",
    scope: "any",
    default: [],
    defaultText: "{}",
    description: "Image labels.",
    checkKey: checkLabelKey,
  },
  {
    name: "healthcheck",
    type: "healthcheck",
    scope: "any",
    default: undefined,
    defaultText: "the base image's, else none",
    description:
      "How Docker checks the running container, in exec form (the image has no shell): {test: [/usr/local/bin/server, -healthcheck], interval: 30s, timeout: 5s, startPeriod: 10s, startInterval: 1s, retries: 3}; durations like 30s or 1m30s, each optional.",
  },
  {
    name: "stopSignal",
    type: "string",
    scope: "any",
    default: undefined,
    defaultText: "the base image's, else SIGTERM",
    description: `Signal that stops the container, like "SIGINT" or 2 (the image config's StopSignal).`,
    check: checkStopSignal,
  },
  {
    name: "annotations",
    type: "string map",
    scope: "any",
    default: [],
    defaultText: "{}",
    description:
      "OCI annotations of the image manifest, and of the image index when several platforms are built; docker buildx build --annotation adds more.",
    checkKey: checkAnnotationKey,
  },
  {
    name: "workdir",
    type: "string",
    scope: "any",
    default: "/",
    defaultText: `"/"`,
    description: "Working directory of the running container, an absolute path.",
    check: checkWorkdir,
  },
  {
    name: "compress",
    type: "string",
    scope: "any",
    default: "none",
    defaultText: `"none"`,
    description:
      "upx packs the binary with UPX: smaller files, but slower start-up, scanner alerts and no pprof symbols; off unless asked for.",
    check: checkCompress,
  },
  {
    name: "files",
    type: "file list",
    scope: "any",
    default: [],
    defaultText: "[]",
    description:
      'Files from the build context copied into the image: a list of {src, dest, mode, owner}, like {src: config/, dest: /etc/app/, mode: "0644", owner: "65532:65532"}.',
  },
  {
    name: "size",
    type: "size policy",
    scope: "any",
    default: undefined,
    defaultText: "no budget",
    description:
      'Size limits, checked on the built binary: {budget: 12MB} fails the build when a binary is larger, naming its largest modules; {warnModuleShare: 25%} warns about any third-party module above that share of the binary.',
  },
  {
    name: "description",
    type: "string",
    scope: "any",
    default: undefined,
    defaultText: `"go build <main> into <name> on <base>"`,
    description: "What this image is; shown by docker buildx build --call targets.",
  },
  {
    name: "include",
    type: "string list",
    scope: "target",
    default: [],
    defaultText: "[]",
    description: "Names of other targets whose binaries this target's image also holds, each at /usr/local/bin/<name>; the entrypoint stays this target's.",
    check: checkTargetName,
  },
  {
    name: "caCerts",
    type: "string list",
    scope: "shared",
    default: [],
    defaultText: "[]",
    description:
      'PEM CA certificates from the build context, like [certs/corp.pem], added to the CA bundle of base: static for a service that talks to servers behind a corporate CA. Opt-in: the CA that --secret id=ca-certs lends the module download never reaches the image.',
    check: checkContextPath,
  },
];

/** The field names, for lookups and "did you mean". */
export const FIELD_NAMES: readonly FieldName[] = SPEC_FIELDS.map((f) => f.name);
