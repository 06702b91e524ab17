// Placeholder until the generated protobuf-c code lands (scripts/gen-proto.sh).
int greenstream_proto_placeholder(void) { return 0; }
