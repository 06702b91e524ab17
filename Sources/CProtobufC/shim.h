// Thin shim over the protobuf-c 1.4 runtime.
#include <protobuf-c/protobuf-c.h>
