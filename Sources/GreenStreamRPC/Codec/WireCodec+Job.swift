import GreenStreamCore
import GreenStreamProto

/// A Core enum whose proto numbers are kept here, at the edge, rather than in its raw
/// values. `wireNumber` is an exhaustive switch; the reverse lookup is derived from it.
protocol WireNumbered: CaseIterable {
    var wireNumber: Int32 { get }
}

extension WireNumbered {
    init?(wireNumber: Int32) {
        guard let value = Self.allCases.first(where: { $0.wireNumber == wireNumber }) else { return nil }
        self = value
    }
}

extension JobState: WireNumbered {
    /// `greenstream.v1.JobState` (0 is UNSPECIFIED).
    var wireNumber: Int32 {
        switch self {
        case .pending: 1
        case .running: 2
        case .retrying: 3
        case .succeeded: 4
        case .quarantined: 5
        case .duplicate: 6
        }
    }
}

extension JobFailureKind: WireNumbered {
    /// `greenstream.v1.FailureKind` (0 is UNSPECIFIED).
    var wireNumber: Int32 {
        switch self {
        case .permanent: 1
        case .retryable: 2
        }
    }
}

// The Core job types on the wire: enums by number, `JobLease` as `greenstream.v1.JobRef`.
extension WireCodec {
    /// As the raw-value ``enumValue(_:_:)``, for ``WireNumbered`` types.
    func enumValue<E: WireNumbered, W: RawRepresentable>(_ wire: W, _ field: String) throws -> E
    where W.RawValue: BinaryInteger {
        let raw = Int32(truncatingIfNeeded: wire.rawValue)
        guard let value = E(wireNumber: raw) else { throw WireError.unknownEnumValue(field: field, value: Int64(raw)) }
        return value
    }

    /// As ``enumValue(_:_:)`` but 0 (UNSPECIFIED) means `nil`.
    func optionalEnumValue<E: WireNumbered, W: RawRepresentable>(_ wire: W, _ field: String) throws -> E?
    where W.RawValue: BinaryInteger {
        Int32(truncatingIfNeeded: wire.rawValue) == 0 ? nil : try enumValue(wire, field) as E
    }

    func wire<E: WireNumbered, W: RawRepresentable>(_ value: E?) -> W where W.RawValue: BinaryInteger {
        W(rawValue: W.RawValue(truncatingIfNeeded: value?.wireNumber ?? 0))!
    }

    /// Fills a `JobRef`. The wire attempt is a uint32, so a negative one is refused.
    func fill(_ m: UnsafeMutablePointer<Greenstream__V1__JobRef>, _ lease: JobLease, _ field: String) throws {
        guard let attempt = UInt32(exactly: lease.attempt) else {
            throw WireError.valueOutOfRange(field: "\(field).attempt", value: "\(lease.attempt)")
        }
        m.pointee.job_id = lease.jobID
        m.pointee.attempt = attempt
    }

    func encode(_ lease: JobLease, _ field: String, _ a: CArena) throws -> UnsafeMutablePointer<Greenstream__V1__JobRef> {
        let m: UnsafeMutablePointer<Greenstream__V1__JobRef> = a.message(greenstream__v1__job_ref__init)
        try fill(m, lease, field)
        return m
    }

    /// A `JobRef` as a lease; an attempt above `Int32.max` is out of range.
    func decode(_ m: UnsafeMutablePointer<Greenstream__V1__JobRef>, _ field: String) throws -> JobLease {
        guard let attempt = Int32(exactly: m.pointee.attempt) else {
            throw WireError.valueOutOfRange(field: "\(field).attempt", value: "\(m.pointee.attempt)")
        }
        return JobLease(jobID: m.pointee.job_id, attempt: attempt)
    }
}
