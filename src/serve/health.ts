/**
 * grpc.health.v1.Health, written by hand: its two messages have one field
 * each, so a generated module would add more than it saves. The service is
 * SERVING while it listens.
 */
import type { ServiceDefinition, UntypedServiceImplementation } from "@grpc/grpc-js";

/** HealthCheckResponse{status: SERVING (1)}: field 1, varint 1. */
const SERVING = Buffer.from([0x08, 0x01]);

const identity = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};

export const healthDefinition: ServiceDefinition = {
  check: { path: "/grpc.health.v1.Health/Check", requestStream: false, responseStream: false, ...identity },
  watch: { path: "/grpc.health.v1.Health/Watch", requestStream: false, responseStream: true, ...identity },
};

export const healthImplementation: UntypedServiceImplementation = {
  check(_call: unknown, callback: (err: null, res: Buffer) => void) {
    callback(null, SERVING);
  },
  watch(call: { write(b: Buffer): boolean }) {
    // Serving until the service stops, which ends the call.
    call.write(SERVING);
  },
};
