import Testing
@testable import GreenStreamCore

struct OutputCSVTests {
    @Test("readings.csv: header, UTC micro text, kW that round-trips, true/false")
    func readingsCSV() throws {
        let out = try transform(csv(
            "1,2024-02-29T17:00:00.1234567+01:00,0.1,kW", "1,2024-02-29T16:15:00.1234567Z,,kW",
            "1,2024-02-29T16:30:00.1234567Z,1234.5678,W"))
        let text = String(decoding: out.readingsCSV(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "meter_id,ts,kw,quality,hour_of_day,is_peak_window")
        #expect(lines[1] == "1,2024-02-29T16:00:00.123456Z,0.1,measured,16,false")
        #expect(lines[2].hasPrefix("1,2024-02-29T16:15:00.123456Z,") && lines[2].hasSuffix(",interpolated,16,false"))
        #expect(lines[3] == "1,2024-02-29T16:30:00.123456Z,1.2345678,measured,16,false")
        for (i, line) in lines.dropFirst().enumerated() {
            let kwText = line.split(separator: ",")[2]
            #expect(Double(kwText) == out.readings.kw[i])
        }
    }

    @Test("rejects.csv: line, reason and the raw texts, quoted when they need it")
    func rejectsCSV() throws {
        let out = try transform(csv("1,2024-01-01T00:00:00Z,\"1,5\",kW", "x\"y,2024-01-01T00:00:00Z,1,kW", "\"a\"\"b\",t,v,u"))
        let text = String(decoding: out.rejectsCSV(), as: UTF8.self)
        #expect(text == """
            line,reason,meter_id,timestamp,reading_value,unit
            2,invalid_value,1,2024-01-01T00:00:00Z,"1,5",kW
            3,malformed_row,x,2024-01-01T00:00:00Z,1,kW
            4,invalid_meter_id,"a""b",t,v,u

            """)
    }
}
