// Thin shim over NNG 1.5.2 (Debian libnng-dev): the core API, the REQ/REP
// protocols, TLS configuration and the platform helpers (nng_msleep).
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>
