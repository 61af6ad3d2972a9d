/**
 * An SPDX 2.3 document (JSON) listing what went into an image's Go
 * binaries, from each binary's build info: the main module, every module
 * with its version and go.sum hash, the Go standard library at the toolchain's
 * version, and the build settings. This is what ko does instead of running a
 * scanner: the linker already wrote down the exact modules. Pure and
 * deterministic: the same binaries give the same bytes.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { GoBuildInfo, GoModule } from "../elf/modinfo.js";

/** The in-toto predicate type BuildKit and buildx recognise as an SBOM. */
export const SPDX_PREDICATE_TYPE = "https://spdx.dev/Document";

/** One binary of the image, with the build info read back from it. */
export interface SbomBinary {
  /** Path in the image, like /usr/local/bin/server. */
  readonly path: string;
  readonly info: GoBuildInfo;
}

export interface SbomInput {
  /** What the document describes, like "server linux/arm64". */
  readonly name: string;
  readonly binaries: readonly SbomBinary[];
  /** When the document was made: SOURCE_DATE_EPOCH's time, so rebuilds give the same bytes. */
  readonly created: Date;
  /** The creating tool, like "slimgo-0.1.0". */
  readonly tool: string;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo: string;
  downloadLocation: string;
  filesAnalyzed: false;
  licenseConcluded: "NOASSERTION";
  licenseDeclared: "NOASSERTION";
  copyrightText: "NOASSERTION";
  checksums?: Array<{ algorithm: "SHA256"; checksumValue: string }>;
  externalRefs: Array<{ referenceCategory: "PACKAGE-MANAGER"; referenceType: "purl"; referenceLocator: string }>;
  primaryPackagePurpose: "APPLICATION" | "LIBRARY";
  comment?: string;
}

interface Relationship {
  spdxElementId: string;
  relationshipType: "DESCRIBES" | "DEPENDS_ON";
  relatedSpdxElement: string;
}

/** The SPDX JSON document, as the bytes the attestation carries. */
export function spdxDocument(input: SbomInput): string {
  const ids = new SpdxIds();
  const packages = new Map<string, SpdxPackage>();
  const relationships: Relationship[] = [];
  const add = (key: string, make: () => SpdxPackage): string => {
    const known = packages.get(key);
    if (known) return known.SPDXID;
    const pkg = make();
    packages.set(key, pkg);
    return pkg.SPDXID;
  };

  const describes: string[] = [];
  for (const { path, info } of input.binaries) {
    const main = info.main ?? { path: info.path, version: "(devel)", sum: "" };
    const mainId = add(`app ${path}`, () => ({
      ...modulePackage(ids, main, "APPLICATION"),
      comment: buildComment(path, info),
    }));
    describes.push(mainId);
    const deps = [goStdlib(info.goVersion), ...info.deps];
    for (const dep of deps) {
      const depId = add(`module ${dep.path} ${effective(dep).version}`, () => modulePackage(ids, dep, "LIBRARY"));
      relationships.push({ spdxElementId: mainId, relationshipType: "DEPENDS_ON", relatedSpdxElement: depId });
    }
  }
  const body = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: input.name,
    creationInfo: { created: input.created.toISOString().replace(/\.\d{3}Z$/, "Z"), creators: [`Tool: ${input.tool}`] },
    packages: [...packages.values()],
    relationships: [...describes.map((id): Relationship => ({ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: id })), ...relationships],
  };
  // SPDX wants a unique URI per document; the content's hash is unique for different content and stable for the same.
  const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  const documentNamespace = `https://spdx.org/spdxdocs/slimgo/${encodeURIComponent(input.name.replaceAll(" ", "-"))}-${hash}`;
  const { spdxVersion, dataLicense, SPDXID, name, ...rest } = body;
  return `${JSON.stringify({ spdxVersion, dataLicense, SPDXID, name, documentNamespace, ...rest }, null, 2)}\n`;
}

const STDLIB = "stdlib";

/** Scanners (syft, grype, trivy) match the standard library as the module "stdlib" at the toolchain's version. */
function goStdlib(goVersion: string): GoModule {
  return { path: STDLIB, version: goVersion.replace(/ .*$/, ""), sum: "" };
}

/** A replaced module is what its replacement says, under its own path (as `go version -m` reads). */
function effective(m: GoModule): { version: string; sum: string } {
  return m.replace ? { version: m.replace.version || "(devel)", sum: m.replace.sum } : { version: m.version, sum: m.sum };
}

function modulePackage(ids: SpdxIds, m: GoModule, purpose: SpdxPackage["primaryPackagePurpose"]): SpdxPackage {
  const { version, sum } = effective(m);
  const checksum = h1Sha256(sum);
  // The standard library's purl version is the release without "go" (pkg:golang/stdlib@1.24.4).
  const purlVersion = version === "(devel)" || version === "" ? "" : `@${encodeURIComponent(m.path === STDLIB ? version.replace(/^go/, "") : version)}`;
  return {
    SPDXID: ids.next(`go-module-${m.path}-${version}`),
    name: m.path,
    versionInfo: version,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    ...(checksum ? { checksums: [{ algorithm: "SHA256" as const, checksumValue: checksum }] } : {}),
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: `pkg:golang/${purlPath(m.path)}${purlVersion}` }],
    primaryPackagePurpose: purpose,
    ...(m.replace ? { comment: `replaced by ${m.replace.path}${m.replace.version ? ` ${m.replace.version}` : ""}` } : {}),
  };
}

/** go.sum's "h1:" is a base64 SHA-256 (of the module's file list); SPDX takes it in hex, as syft writes it. */
function h1Sha256(sum: string): string | undefined {
  if (!sum.startsWith("h1:")) return undefined;
  const bytes = Buffer.from(sum.slice(3), "base64");
  return bytes.length === 32 ? bytes.toString("hex") : undefined;
}

// purl keeps "/" between namespace segments; anything else outside its safe set is %-encoded.
function purlPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Where the binary is, which toolchain built it, and its `build` settings, in the order the linker wrote them. */
function buildComment(path: string, info: GoBuildInfo): string {
  const settings = Object.entries(info.settings).map(([k, v]) => `${k}=${v}`);
  return [`binary ${path}`, `built with ${info.goVersion}`, `package ${info.path}`, ...(settings.length > 0 ? [`build settings: ${settings.join(" ")}`] : [])].join("; ");
}

/** SPDX element ids use letters, digits, "." and "-"; each must be unique in the document. */
class SpdxIds {
  private readonly used = new Set<string>();
  next(hint: string): string {
    const base = `SPDXRef-Package-${hint.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/-+$/, "")}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}
