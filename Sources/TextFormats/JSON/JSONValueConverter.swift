import Columnar

/// Converts tape tokens to `Value`s of a requested type: the (slower, allocating) path for
/// nested columns — structs from objects by member name, lists from arrays, maps from objects —
/// and for schema inference. Scalars use the same text parsers as the column loops, so `"12"`
/// and `12` both read as 12 and a string column gets a number's text.
struct JSONValueConverter {
    /// Why a token does not fit the type.
    struct Mismatch: Error {
        var reason: String
    }

    let base: UnsafePointer<UInt8>
    let tape: JSONTape

    /// The token's text (raw bytes of numbers, literals and containers; string contents undecoded).
    private func raw(_ token: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(tape.start(token))
        return UnsafeBufferPointer(start: base + start, count: Int(tape.end(token)) - start)
    }

    /// The plain text of a scalar token (strings decoded).
    func text(_ token: Int) -> [UInt8] {
        let bytes = raw(token)
        guard tape.kind(token) == .string && tape.isEscaped(token) else { return Array(bytes) }
        var plain: [UInt8] = []
        _ = JSONString.unescape(bytes.baseAddress!, bytes.count, into: &plain)
        return plain
    }

    /// The decoded member name of a key token.
    func key(_ token: Int) -> String { String(decoding: text(token), as: UTF8.self) }

    /// `token` as a value of `type`.
    func value(_ token: Int, as type: DataType) -> Result<Value, Mismatch> {
        let kind = tape.kind(token)
        if kind == .null { return .success(.null) }
        switch type {
        case .structure(let fields):
            guard kind == .object else { return .failure(Mismatch(reason: "expected an object for \(type), found \(kind)")) }
            var values = [Value](repeating: .null, count: fields.count)
            var names: [String: Int] = [:]
            for (index, field) in fields.enumerated() where names[field.name] == nil { names[field.name] = index }
            for (keyToken, valueToken) in tape.members(ofObject: token) {
                guard let index = names[key(keyToken)] else { continue }
                switch value(valueToken, as: fields[index].type) {
                case .success(let child): values[index] = child
                case .failure(let error): return .failure(Mismatch(reason: "\(fields[index].name): \(error.reason)"))
                }
            }
            return .success(.structure(values))
        case .list(let element):
            guard kind == .array else { return .failure(Mismatch(reason: "expected an array for \(type), found \(kind)")) }
            var values: [Value] = []
            for (position, child) in tape.elements(ofArray: token).enumerated() {
                switch value(child, as: element.type) {
                case .success(let item): values.append(item)
                case .failure(let error): return .failure(Mismatch(reason: "[\(position)]: \(error.reason)"))
                }
            }
            return .success(.list(values))
        case .map(let keyField, let valueField):
            guard kind == .object else { return .failure(Mismatch(reason: "expected an object for \(type), found \(kind)")) }
            var entries: [Value] = []
            for (keyToken, valueToken) in tape.members(ofObject: token) {
                let keyValue: Value
                switch scalar(keyToken, as: keyField.type) {
                case .success(let parsed): keyValue = parsed
                case .failure(let error): return .failure(error)
                }
                switch value(valueToken, as: valueField.type) {
                case .success(let item): entries.append(.structure([keyValue, item]))
                case .failure(let error): return .failure(Mismatch(reason: "\(key(keyToken)): \(error.reason)"))
                }
            }
            return .success(.list(entries))
        default:
            return scalar(token, as: type)
        }
    }

    /// A scalar token (or, for string columns, any token as JSON text) as `type`.
    private func scalar(_ token: Int, as type: DataType) -> Result<Value, Mismatch> {
        let kind = tape.kind(token)
        if type == .string {
            // Containers become their JSON text; scalars their text.
            return .success(.string(String(decoding: text(token), as: UTF8.self)))
        }
        guard kind != .object && kind != .array else {
            return .failure(Mismatch(reason: "a JSON \(kind) cannot be read as \(type)"))
        }
        let bytes = text(token)
        let parsed: Value? = bytes.withUnsafeBufferPointer { buffer -> Value? in
            guard let start = buffer.baseAddress, buffer.count > 0 else { return nil }
            let count = buffer.count
            switch type {
            case .boolean: return BooleanParsing.parse(start, count).map { .bool($0) }
            case .int8, .int16, .int32, .int64:
                guard let value = NumberParsing.parseInt64(start, count) else { return nil }
                let fits = switch type {
                case .int8: Int8(exactly: value) != nil
                case .int16: Int16(exactly: value) != nil
                case .int32: Int32(exactly: value) != nil
                default: true
                }
                return fits ? .int(value) : nil
            case .uint8, .uint16, .uint32, .uint64:
                guard let value = NumberParsing.parseUInt64(start, count) else { return nil }
                let fits = switch type {
                case .uint8: UInt8(exactly: value) != nil
                case .uint16: UInt16(exactly: value) != nil
                case .uint32: UInt32(exactly: value) != nil
                default: true
                }
                return fits ? .uint(value) : nil
            case .float32, .float64: return NumberParsing.parseDouble(start, count).map { .double($0) }
            case .decimal(let precision, let scale):
                if case .success(let unscaled) = DecimalParsing.parse(start, count, precision: precision, scale: scale) {
                    return .decimal(unscaled, scale: scale)
                }
                return nil
            case .date: return DateTimeParsing.parseDate(start, count).map { .date($0) }
            case .time(let unit):
                return DateTimeParsing.parseTimeOfDay(start, count).map { .time($0 / (1_000_000_000 / unit.perSecond), unit) }
            case .timestamp(let unit, _):
                return DateTimeParsing.parseTimestamp(start, count, unitsPerSecond: unit.perSecond).map { .timestamp($0, unit) }
            case .binary: return .bytes(Array(buffer))
            case .fixedBinary(let width): return count == width ? .bytes(Array(buffer)) : nil
            default: return nil
            }
        }
        guard let parsed else {
            let shown = String(decoding: bytes.prefix(64), as: UTF8.self)
            return .failure(Mismatch(reason: "'\(shown)' is not a valid \(type)"))
        }
        return .success(parsed)
    }
}
