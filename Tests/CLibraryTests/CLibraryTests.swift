import CNNG
import CPQ
import CProtobufC
import CSnappy
import Testing

/// Each C library links and answers a call: the versions the Debian packages ship.
@Suite struct CLibraryTests {
    @Test func nngReportsItsVersion() {
        let version = String(cString: nng_version())
        #expect(version.hasPrefix("1."))
    }

    /// NNG's per-pipe statistics back `RequestClient.traffic`, which tests wait on
    /// before closing a socket (NNG 1.5.2 close hang); a libnng built without
    /// NNG_ENABLE_STATS would make those waits time out, so say so here.
    @Test func nngKeepsStatistics() throws {
        var socket = nng_socket()
        #expect(nng_req0_open(&socket) == 0)
        defer { nng_close(socket) }
        var root: OpaquePointer?
        #expect(nng_stats_get(&root) == 0)
        let stats = try #require(root)
        defer { nng_stats_free(stats) }
        #expect(nng_stat_find_socket(stats, socket) != nil)
    }

    @Test func libpqReportsItsVersion() {
        #expect(PQlibVersion() >= 120000)
    }

    @Test func protobufCReportsItsVersion() {
        let version = String(cString: protobuf_c_version())
        #expect(version.hasPrefix("1."))
        #expect(protobuf_c_version_number() >= 1_003_000)
    }

    @Test func snappyRoundTripsABlock() {
        let input = [UInt8](repeating: 0x41, count: 4096) + Array("smart meters".utf8)
        var compressed = [UInt8](repeating: 0, count: snappy_max_compressed_length(input.count))
        var compressedLength = compressed.count
        #expect(snappy_compress(input, input.count, &compressed, &compressedLength) == SNAPPY_OK)
        #expect(compressedLength < input.count)
        var outputLength = 0
        #expect(snappy_uncompressed_length(compressed, compressedLength, &outputLength) == SNAPPY_OK)
        var output = [UInt8](repeating: 0, count: outputLength)
        #expect(snappy_uncompress(compressed, compressedLength, &output, &outputLength) == SNAPPY_OK)
        #expect(output == input)
    }
}
