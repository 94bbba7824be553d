import Columnar
import TarnCore
import TextFormats

/// A column's rules with their bounds and allowed values converted to the column's physical
/// representation, so checking a row is a comparison of plain numbers or bytes.
struct CompiledRules: Sendable {
    /// NULL (or an empty string) is rejected.
    let required: Bool
    /// Smallest allowed value, in the column's storage units.
    let minimum: Bound?
    /// Largest allowed value.
    let maximum: Bound?
    /// Allowed values of a string column (bytes as written, compared after transforms).
    let allowedStrings: ByteStringSet?
    /// Allowed values of an integer-backed column (integers, decimals up to 18 digits, dates, timestamps).
    let allowedIntegers: Set<Int64>?
    /// Allowed values of a float column.
    let allowedDoubles: Set<Double>?
    /// The allowed values as written, for reasons.
    let allowedText: [String]
    /// A regular expression the whole value must match.
    let pattern: String?
    /// Longest string in bytes.
    let maxLength: Int?
    /// Bounds as written, for reasons.
    let minimumText: String?
    let maximumText: String?

    /// Whether no rule other than `required` needs the values.
    var checksValues: Bool {
        minimum != nil || maximum != nil || allowedStrings != nil || allowedIntegers != nil || allowedDoubles != nil || pattern != nil
            || maxLength != nil
    }

    /// A bound as the column stores it.
    enum Bound: Sendable, Equatable {
        case integer(Int64)
        case wide(Int128)
        case real(Double)
    }

    init(_ rules: ColumnRules, type: DataType, column: String, job: String) throws {
        func fail(_ message: String) -> TarnError { TarnError(.invalidArgument, "job '\(job)': column '\(column)': \(message)") }
        let orderable: Bool
        switch type {
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .float32, .float64, .decimal, .date, .timestamp: orderable = true
        default: orderable = false
        }
        if (rules.minimum != nil || rules.maximum != nil) && !orderable {
            throw fail("minimum and maximum apply to numbers, dates and timestamps, not \(type)")
        }
        if (rules.pattern != nil || rules.maxLength != nil) && type != .string {
            throw fail("pattern and maxLength apply to string columns, not \(type)")
        }
        if let maxLength = rules.maxLength, maxLength < 0 { throw fail("maxLength must not be negative, got \(maxLength)") }
        if let pattern = rules.pattern {
            do { _ = try PatternMatcher(pattern) } catch { throw fail("pattern '\(pattern)' is not a valid regular expression: \(error)") }
        }
        minimum = try rules.minimum.map { try Self.bound($0, type: type, fail) }
        maximum = try rules.maximum.map { try Self.bound($0, type: type, fail) }
        if let minimum, let maximum, Self.less(maximum, minimum) {
            throw fail("minimum \(rules.minimum!) is greater than maximum \(rules.maximum!)")
        }
        var strings: ByteStringSet? = nil
        var integers: Set<Int64>? = nil
        var doubles: Set<Double>? = nil
        if let allowed = rules.allowedValues {
            guard !allowed.isEmpty else { throw fail("allowedValues is empty, so no row could pass") }
            switch type {
            case .string: strings = ByteStringSet(allowed.map { Array($0.utf8) })
            case .float32, .float64: doubles = Set(try allowed.map { text -> Double in
                guard case .real(let value) = try Self.bound(text, type: type, fail) else { throw fail("'\(text)' is not a \(type)") }
                return value
            })
            case .boolean, .decimal(precision: 19..., scale: _): throw fail("allowedValues applies to strings, integers, decimals, dates and timestamps, not \(type)")
            default: integers = Set(try allowed.map { text -> Int64 in
                guard case .integer(let value) = try Self.bound(text, type: type, fail) else { throw fail("'\(text)' is not a \(type)") }
                return value
            })
            }
        }
        allowedStrings = strings
        allowedIntegers = integers
        allowedDoubles = doubles
        allowedText = rules.allowedValues ?? []
        required = rules.required
        pattern = rules.pattern
        maxLength = rules.maxLength
        minimumText = rules.minimum
        maximumText = rules.maximum
    }

    /// Reads `text` as a value of `type` with the same parser the data goes through, so a bound
    /// means exactly what the same text in a raw file would.
    static func bound(_ text: String, type: DataType, _ fail: (String) -> TarnError) throws -> Bound {
        var options = CSVOptions()
        options.hasHeader = false
        options.quote = nil
        options.nullStrings = []
        let parsed = try CSVReader.read(Array(text.utf8), schema: Schema([Field("value", type)]), options: options)
        guard parsed.batch.rowCount == 1, !parsed.batch.columns[0].isNull(0) else {
            throw fail("'\(text)' is not a valid \(type)\(parsed.rejected.first.map { " (\($0.reason))" } ?? "")")
        }
        switch parsed.batch.columns[0].storage {
        case .int8(let v): return .integer(Int64(v[0]))
        case .int16(let v): return .integer(Int64(v[0]))
        case .int32(let v): return .integer(Int64(v[0]))
        case .int64(let v): return .integer(v[0])
        case .uint8(let v): return .integer(Int64(v[0]))
        case .uint16(let v): return .integer(Int64(v[0]))
        case .uint32(let v): return .integer(Int64(v[0]))
        case .uint64(let v):
            guard let value = Int64(exactly: v[0]) else { throw fail("'\(text)' is out of range for bounds") }
            return .integer(value)
        case .float32(let v): return .real(Double(v[0]))
        case .float64(let v): return .real(v[0])
        case .int128(let v): return .wide(v[0])
        default: throw fail("'\(text)' cannot bound a \(type) column")
        }
    }

    static func less(_ a: Bound, _ b: Bound) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)): x < y
        case (.wide(let x), .wide(let y)): x < y
        case (.real(let x), .real(let y)): x < y
        default: false
        }
    }
}

/// A set of byte strings with lookups that allocate nothing: open addressing over a hash of
/// the bytes, candidates confirmed by comparing lengths and bytes.
struct ByteStringSet: Sendable {
    private let values: [[UInt8]]
    private let slots: [Int32]
    private let mask: Int

    init(_ values: [[UInt8]]) {
        var unique: [[UInt8]] = []
        for value in values where !unique.contains(value) { unique.append(value) }
        var capacity = 8
        while capacity < unique.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, value) in unique.enumerated() {
            var slot = value.withUnsafeBytes { Self.hash($0) } & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.values = unique
        self.slots = slots
        self.mask = capacity - 1
    }

    /// Eight bytes at a time (every row of an `allowedValues` column is looked up).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(truncatingIfNeeded: KeyHasher.hashBytes(bytes, seed: 0x2545_F491_4F6C_DD1D))
    }

    /// Whether `bytes` is one of the values.
    @inline(__always)
    func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var slot = Self.hash(bytes) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { return false }
            let candidate = values[index]
            if candidate.count == bytes.count && candidate.withUnsafeBytes({ $0.elementsEqual(bytes) }) { return true }
            slot = (slot + 1) & mask
        }
    }
}
