// Thin shim over libpq (Debian libpq-dev puts the header under postgresql/).
#include <postgresql/libpq-fe.h>
