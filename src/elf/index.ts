export { ElfError } from "./elf-error.js";
export { readElf, vaddrToOffset, type ElfInfo, type ElfSection, type ElfSegment } from "./read-elf.js";
export { readGoBuildInfo, type GoBuildInfo, type GoModule } from "./go-build-info.js";
export { checkBinary, type BinaryExpectation } from "./check-binary.js";
export { archName } from "./machines.js";
