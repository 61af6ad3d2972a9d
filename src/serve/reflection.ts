/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), so grpcurl and
 * similar tools can list the service and fetch its descriptors. The two
 * messages are small; they are read and written with protobuf-es's wire
 * reader and writer, and the descriptors come from the generated code.
 */
import type { DescFile, DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { toBinary } from "@bufbuild/protobuf";
import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";

/** A request names one thing; a stream asking for more than this is cut off. */
const MAX_REQUESTS_PER_STREAM = 1000;

interface Request {
  host: string;
  kind: number;
  value: string;
}

export interface Reflection {
  readonly definitions: ReadonlyArray<readonly [string, ServiceDefinition]>;
  readonly implementation: UntypedServiceImplementation;
}

/** Reflection for `services` (full names) described in `files` and their imports. */
export function reflection(services: readonly string[], files: readonly DescFile[]): Reflection {
  const byName = new Map<string, DescFile>();
  const bySymbol = new Map<string, DescFile>();
  const add = (f: DescFile) => {
    if (byName.has(f.name + ".proto")) return;
    byName.set(`${f.name}.proto`, f);
    for (const s of f.services) {
      bySymbol.set(s.typeName, f);
      for (const m of s.methods) bySymbol.set(`${s.typeName}.${m.name}`, f);
    }
    const addMessage = (m: DescMessage) => {
      bySymbol.set(m.typeName, f);
      for (const n of m.nestedMessages) addMessage(n);
      for (const e of m.nestedEnums) bySymbol.set(e.typeName, f);
    };
    for (const m of f.messages) addMessage(m);
    for (const e of f.enums) bySymbol.set(e.typeName, f);
    for (const d of f.dependencies) add(d);
  };
  for (const f of files) add(f);

  /** The file and everything it imports, each once. */
  const withDeps = (f: DescFile): Uint8Array[] => {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const walk = (x: DescFile) => {
      if (seen.has(x.name)) return;
      seen.add(x.name);
      out.push(toBinary(FileDescriptorProtoSchema, x.proto));
      for (const d of x.dependencies) walk(d);
    };
    walk(f);
    return out;
  };

  const answer = (req: Request, raw: Buffer): Buffer => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).string(req.host);
    w.tag(2, WireType.LengthDelimited).bytes(raw);
    const fail = (code: number, message: string) => {
      w.tag(7, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int32(code).tag(2, WireType.LengthDelimited).string(message).join();
    };
    const files = (f: DescFile | undefined, what: string) => {
      if (f === undefined) return fail(5, `${what} not found`);
      w.tag(4, WireType.LengthDelimited).fork();
      for (const b of withDeps(f)) w.tag(1, WireType.LengthDelimited).bytes(b);
      w.join();
    };
    switch (req.kind) {
      case 3:
        files(byName.get(req.value), `file ${req.value}`);
        break;
      case 4:
        files(bySymbol.get(req.value), `symbol ${req.value}`);
        break;
      case 7:
        w.tag(6, WireType.LengthDelimited).fork();
        for (const s of services) w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(s).join();
        w.join();
        break;
      default:
        fail(12, "only list_services, file_by_filename and file_containing_symbol are answered");
    }
    return Buffer.from(w.finish());
  };

  const implementation: UntypedServiceImplementation = {
    serverReflectionInfo(call: NodeJS.ReadWriteStream & { write(b: Buffer): boolean; end(): void; on(ev: string, fn: (b: Buffer) => void): unknown }) {
      let n = 0;
      call.on("data", (raw: Buffer) => {
        if (++n > MAX_REQUESTS_PER_STREAM) return void call.end();
        let req: Request;
        try {
          req = readRequest(raw);
        } catch {
          return void call.end();
        }
        call.write(answer(req, raw));
      });
      call.on("end", () => call.end());
    },
  };
  const identity = (b: Buffer) => b;
  const definition = (pkg: string): ServiceDefinition => ({
    serverReflectionInfo: {
      path: `/${pkg}.ServerReflection/ServerReflectionInfo`,
      requestStream: true,
      responseStream: true,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  });
  return {
    definitions: [
      ["grpc.reflection.v1", definition("grpc.reflection.v1")],
      ["grpc.reflection.v1alpha", definition("grpc.reflection.v1alpha")],
    ],
    implementation,
  };
}

function readRequest(raw: Buffer): Request {
  const r = new BinaryReader(raw);
  const req: Request = { host: "", kind: 0, value: "" };
  while (r.pos < r.len) {
    const [field, type] = r.tag();
    if (field === 1 && type === WireType.LengthDelimited) req.host = r.string();
    else if ((field === 3 || field === 4 || field === 6 || field === 7) && type === WireType.LengthDelimited) {
      req.kind = field;
      req.value = r.string();
    } else {
      if (field === 5) req.kind = 5;
      r.skip(type);
    }
  }
  return req;
}
