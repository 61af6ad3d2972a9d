/**
 * `--sbom`: one SPDX document per platform, from the build info of the
 * image's Go binaries, solved as a file and returned as an in-toto
 * attestation the image exporter attaches (BuildKit then skips its scanner,
 * which would have to be pulled). C libraries that `link: dynamic` copies in
 * and the static base's CA bundle and zoneinfo are not Go modules and are not
 * listed.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { AttestationKind, type AttestationsSchema } from "../gen/gateway/gateway_pb.js";
import type { Caps, Gateway } from "../gateway/llb-bridge.js";
import { platformId } from "../graph/go-env.js";
import { binaryPath } from "../graph/image-config.js";
import { marshal, mkfile, scratch } from "../llb/index.js";
import type { Plan, Platform } from "../plan/types.js";
import { SPDX_PREDICATE_TYPE, spdxDocument } from "../sbom/spdx-document.js";
import { UserError } from "./errors.js";
import type { Verified } from "./verify.js";

export type AttestationsInit = MessageInitShape<typeof AttestationsSchema>;

/** Where the document sits in its solved ref; the exporter reads it from there. */
const SBOM_PATH = "/sbom.spdx.json";

/** One attestation per platform, keyed by platform id as the refs are; `created` is SOURCE_DATE_EPOCH, so the same binaries give the same document. */
export async function sbomAttestations(
  gw: Gateway,
  caps: Caps,
  plan: Plan,
  platforms: readonly Platform[],
  verified: readonly Verified[],
  created: Date,
): Promise<Record<string, AttestationsInit>> {
  const out: Record<string, AttestationsInit> = {};
  await Promise.all(
    platforms.map(async (platform) => {
      const id = platformId(platform);
      const binaries = verified.filter((v) => platformId(v.platform) === id);
      const missing = binaries.find((v) => v.info === undefined);
      if (missing) throw new UserError(`--sbom: ${missing.bin.binaryName} for ${id} carries no Go build info to list its modules (was it built by Go 1.18 or later?)`);
      const doc = spdxDocument({
        name: `${plan.binaryName} ${id}`,
        binaries: binaries.map((v) => ({ path: binaryPath(v.bin), info: v.info as NonNullable<Verified["info"]> })),
        created,
        tool: "slimgo",
      });
      const state = scratch().file(mkfile(SBOM_PATH, 0o644, doc), { customName: `[${id}] SBOM: ${binaries.length} Go binar${binaries.length === 1 ? "y" : "ies"} from build info` });
      const ref = await gw.solve(marshal(state, { caps: caps.llb }));
      out[id] = {
        attestation: [
          {
            // The file is the predicate; the exporter makes the statement, with the image as its subject.
            kind: AttestationKind.InToto,
            metadata: { reason: new TextEncoder().encode("sbom") },
            ref: { id: ref },
            path: SBOM_PATH,
            inTotoPredicateType: SPDX_PREDICATE_TYPE,
          },
        ],
      };
    }),
  );
  return out;
}
