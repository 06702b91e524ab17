#!/usr/bin/env bash
# Certificates for a GreenStream cluster on tls+tcp:// with mutual TLS, made with openssl.
#
#   cluster/make-certs.sh DIR [--coordinator NAME_OR_IP]… [--client NAME]… [--days N]
#
# Writes into DIR (created, mode 700):
#   ca.crt, ca.key                     the cluster's own CA (kept if it exists: re-running adds certificates)
#   coordinator.crt, coordinator.key   server certificate; its subjectAltName lists every --coordinator
#                                      (IP addresses as IP:, names as DNS:; default: 127.0.0.1 and localhost)
#   client-NAME.crt, client-NAME.key   one client certificate per --client (default: one named "worker")
# An existing certificate is kept unless its SAN list differs (the coordinator's) or it expires within
# a day, so the script is idempotent. Keys are unencrypted PEM (NNG reads them without a passphrase);
# only the CA key must never leave the machine that signs: copy ca.crt everywhere, each host only its
# own certificate and key (docs/MULTIHOST.md).
#
# Which file goes where:
#   coordinator: --tls-cert coordinator.crt --tls-key coordinator.key --tls-ca ca.crt   (ca: require clients)
#   worker/gsctl: --tls-ca ca.crt --tls-cert client-NAME.crt --tls-key client-NAME.key
# NNG 1.5.2 cannot read the peer certificate's name, so the certificate proves "a client of this CA";
# the cluster token still authorises every call.
set -euo pipefail

me="make-certs.sh"
die() {
    echo "$me: $*" >&2
    exit 1
}
usage() {
    echo "usage: $0 DIR [--coordinator NAME_OR_IP]… [--client NAME]… [--days N]" >&2
    exit 2
}

dir=""
sans=()
clients=()
days=825
while [ $# -gt 0 ]; do
    case "$1" in
        --coordinator)
            [ $# -ge 2 ] || usage
            sans+=("$2")
            shift 2
            ;;
        --client)
            [ $# -ge 2 ] || usage
            [[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || die "--client wants a name of letters, digits, . _ -, got '$2'"
            clients+=("$2")
            shift 2
            ;;
        --days)
            [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || usage
            days=$2
            shift 2
            ;;
        -h | --help) usage ;;
        -*) die "unknown option '$1'" ;;
        *)
            [ -z "$dir" ] || usage
            dir=$1
            shift
            ;;
    esac
done
[ -n "$dir" ] || usage
command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"
[ ${#sans[@]} -gt 0 ] || sans=(127.0.0.1 localhost)
[ ${#clients[@]} -gt 0 ] || clients=(worker)

mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077

ssl() { openssl "$@" 2>/dev/null || { openssl "$@" >&2; die "openssl $1 failed"; }; }

san_list=""
for name in "${sans[@]}"; do
    if [[ "$name" =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || [[ "$name" == *:* ]]; then
        entry="IP:$name"
    else
        entry="DNS:$name"
    fi
    san_list=${san_list:+$san_list,}$entry
done

# True when FILE exists and stays valid for at least a day.
fresh() { [ -s "$1" ] && openssl x509 -in "$1" -noout -checkend 86400 >/dev/null 2>&1; }

if ! fresh ca.crt || [ ! -s ca.key ]; then
    ssl req -x509 -newkey rsa:3072 -nodes -keyout ca.key -out ca.crt -days "$((days + 365))" \
        -subj "/CN=greenstream-cluster-ca" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    rm -f coordinator.crt client-*.crt
    echo "$me: new CA in $dir/ca.crt" >&2
fi

# sign NAME CN EXTENSIONS: NAME.key + NAME.crt signed by the CA.
sign() {
    local name=$1 cn=$2 ext=$3
    printf '%s\n' "$ext" >"$name.ext"
    ssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn"
    ssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" -days "$days" \
        -extfile "$name.ext"
    rm -f "$name.csr" "$name.ext"
    echo "$me: $dir/$name.crt (CN=$cn)" >&2
}

current_sans=""
[ -s coordinator.crt ] && current_sans=$(cat coordinator.san 2>/dev/null || true)
if ! fresh coordinator.crt || [ "$current_sans" != "$san_list" ]; then
    sign coordinator "${sans[0]}" "subjectAltName=$san_list
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment
basicConstraints=CA:FALSE"
    echo "$san_list" >coordinator.san
fi

for name in "${clients[@]}"; do
    fresh "client-$name.crt" && continue
    sign "client-$name" "$name" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment
basicConstraints=CA:FALSE"
done
chmod 644 ca.crt coordinator.crt client-*.crt
echo "$dir"
