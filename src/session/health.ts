/** grpc.health.v1.Health/Check: BuildKit drops a session that stops answering it. */
import { Health, HealthCheckResponse_ServingStatus } from "../gen/session/health_pb.js";
import { type ServedMethod, unary } from "./grpc-service.js";

export function healthService(): ServedMethod {
  return unary(Health.method.check, async () => ({ status: HealthCheckResponse_ServingStatus.SERVING }));
}
