// The JSON descriptor of the vendored OTLP trace protos, as protobufjs builds it from the .proto files.
// Shared by the generator (scripts/gen-otlp-descriptor.ts) and the drift test. Runs compiled, from dist/scripts/.
import protobuf from 'protobufjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DESCRIPTOR_MODULE = path.join(REPO_ROOT, 'src/otlp/proto/otlp-descriptor.ts');
const PROTO_ROOT = path.join(REPO_ROOT, 'src/otlp/proto');
const ENTRY = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

export function descriptorFromProtoFiles(): protobuf.INamespace {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(PROTO_ROOT, target);
  root.loadSync(ENTRY, { keepCase: false });
  return root.toJSON({ keepComments: false });
}
