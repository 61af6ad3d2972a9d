export { ElfError } from "./elf-error.js";
export { readElf, type ElfInfo, type ElfType } from "./read-elf.js";
export { vaddrToOffset, PT, PF, type ElfSegment } from "./program-headers.js";
export { type ElfSection } from "./section-headers.js";
export { type ElfDynamic, DF_1_PIE } from "./dynamic-section.js";
export { readGoBuildInfo } from "./go-build-info.js";
export { parseModinfo, type GoBuildInfo, type GoModule } from "./modinfo.js";
export { checkBinary, type BinaryExpectation } from "./check-binary.js";
export { archName } from "./machines.js";
