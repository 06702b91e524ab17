/// A strict reader of the Prometheus text exposition format (version 0.0.4), for tests that scrape
/// `/metrics`: it refuses what a Prometheus server would refuse (bad names, label syntax, values,
/// samples of an undeclared or differently typed family) and checks histograms' invariants
/// (cumulative buckets, `+Inf` equal to `_count`).
public struct PrometheusExposition: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// A malformed exposition, with the line it was found on.
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// `# TYPE` of each family.
    public private(set) var types: [String: String] = [:]
    public private(set) var samples: [Sample] = []

    /// Parses `text`; throws at the first line that is not valid exposition format.
    public init(parsing text: String) throws {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            let number = index + 1
            func fail(_ why: String) -> ParseError { ParseError(description: "line \(number): \(why): \(line)") }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true).map(String.init)
                if parts.count >= 2, parts[1] == "TYPE" {
                    guard parts.count == 4, Self.isMetricName(parts[2]),
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw fail("bad TYPE line") }
                    guard types[parts[2]] == nil else { throw fail("second TYPE for \(parts[2])") }
                    guard !samples.contains(where: { Self.family(of: $0.name, types: [parts[2]: parts[3]]) != nil })
                    else { throw fail("TYPE after samples of \(parts[2])") }
                    types[parts[2]] = parts[3]
                } else if parts.count >= 2, parts[1] == "HELP" {
                    guard parts.count >= 3, Self.isMetricName(parts[2]) else { throw fail("bad HELP line") }
                }
                continue
            }
            let sample = try Self.sample(line, fail: fail)
            guard Self.family(of: sample.name, types: types) != nil else {
                throw fail("sample of a family without a TYPE line")
            }
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The value of the one sample named `name` whose labels include `labels`; nil when none or
    /// several match (``sum(_:_:)`` adds several).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { Self.matches($0, name, labels) }
        return matching.count == 1 ? matching[0].value : nil
    }

    static func matches(_ sample: Sample, _ name: String, _ labels: [String: String]) -> Bool {
        sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
    }

    /// The sum over the samples named `name` whose labels include `labels`.
    public func sum(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.filter { Self.matches($0, name, labels) }.reduce(0) { $0 + $1.value }
    }

    /// Every sample of `name`.
    public func all(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    // MARK: - Grammar

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetterOr("_:") else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetterOr("_:") || ("0"..."9").contains($0) }
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetterOr("_") else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetterOr("_") || ("0"..."9").contains($0) }
    }

    /// The family a sample name belongs to, given the declared types (histograms own `_bucket`,
    /// `_sum`, `_count`).
    static func family(of name: String, types: [String: String]) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let type = types[base], type == "histogram" || (type == "summary" && suffix != "_bucket") {
                return base
            }
        }
        return nil
    }

    static func sample(_ line: String, fail: (String) -> ParseError) throws -> Sample {
        let chars = Array(line.unicodeScalars)
        var i = 0
        var name = ""
        while i < chars.count, chars[i] != "{", chars[i] != " " {
            name.unicodeScalars.append(chars[i])
            i += 1
        }
        guard isMetricName(name) else { throw fail("bad metric name '\(name)'") }
        var labels: [String: String] = [:]
        if i < chars.count, chars[i] == "{" {
            i += 1
            while true {
                guard i < chars.count else { throw fail("unterminated label set") }
                if chars[i] == "}" {
                    i += 1
                    break
                }
                var key = ""
                while i < chars.count, chars[i] != "=" {
                    key.unicodeScalars.append(chars[i])
                    i += 1
                }
                guard isLabelName(key), i + 1 < chars.count, chars[i + 1] == "\"" else {
                    throw fail("bad label name '\(key)'")
                }
                i += 2
                var value = ""
                while true {
                    guard i < chars.count else { throw fail("unterminated label value") }
                    let c = chars[i]
                    if c == "\"" { break }
                    if c == "\\" {
                        guard i + 1 < chars.count else { throw fail("dangling escape") }
                        switch chars[i + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: throw fail("bad escape in label value")
                        }
                        i += 2
                        continue
                    }
                    value.unicodeScalars.append(c)
                    i += 1
                }
                i += 1
                guard labels.updateValue(value, forKey: key) == nil else { throw fail("label \(key) twice") }
                if i < chars.count, chars[i] == "," { i += 1 }
            }
        }
        guard i < chars.count, chars[i] == " " else { throw fail("no value") }
        let rest = String(String.UnicodeScalarView(chars[(i + 1)...])).split(separator: " ")
        guard rest.count == 1 || rest.count == 2 else { throw fail("want a value and an optional timestamp") }
        let text = String(rest[0])
        let value: Double
        switch text {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let v = Double(text), text.unicodeScalars.allSatisfy({ "0123456789.eE+-".unicodeScalars.contains($0) })
            else { throw fail("bad value '\(text)'") }
            value = v
        }
        if rest.count == 2, Int64(rest[1]) == nil { throw fail("bad timestamp") }
        return Sample(name: name, labels: labels, value: value)
    }

    private func checkHistograms() throws {
        for (family, type) in types where type == "histogram" {
            var series: [[String: String]: [(le: Double, count: Double)]] = [:]
            for sample in samples where sample.name == family + "_bucket" {
                var key = sample.labels
                guard let leText = key.removeValue(forKey: "le") else {
                    throw ParseError(description: "\(family)_bucket without le")
                }
                let le = leText == "+Inf" ? Double.infinity : Double(leText)
                guard let le else { throw ParseError(description: "\(family)_bucket le=\(leText)") }
                series[key, default: []].append((le, sample.value))
            }
            for (labels, buckets) in series {
                let sorted = buckets.sorted { $0.le < $1.le }
                guard sorted.last?.le == .infinity else {
                    throw ParseError(description: "\(family)\(labels) has no +Inf bucket")
                }
                for (a, b) in zip(sorted, sorted.dropFirst()) where b.count < a.count {
                    throw ParseError(description: "\(family)\(labels): buckets not cumulative")
                }
                let count = samples.first { $0.name == family + "_count" && $0.labels == labels }?.value
                guard count == sorted.last?.count else {
                    throw ParseError(description: "\(family)\(labels): _count \(count ?? -1) ≠ +Inf bucket")
                }
                guard samples.contains(where: { $0.name == family + "_sum" && $0.labels == labels }) else {
                    throw ParseError(description: "\(family)\(labels): no _sum")
                }
            }
        }
    }
}

extension Unicode.Scalar {
    fileprivate func isASCIILetterOr(_ extra: String) -> Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || extra.unicodeScalars.contains(self)
    }
}
