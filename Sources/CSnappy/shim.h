// Thin shim over libsnappy's C API (raw block format, as Parquet needs).
#include <snappy-c.h>
