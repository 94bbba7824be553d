import Columnar
import TarnCore

/// Turns a leaf's dense physical values into Columnar storage of its logical type: narrowing
/// integers, widening decimals, decoding big-endian decimal bytes and half floats. Arrays of the
/// right kind are moved, not copied.
enum LeafConversion {
    static func storage(_ values: ValueBuffer, as type: DataType, context: String) throws -> ColumnStorage {
        switch values.physical {
        case .boolean: return .bool(values.bools)
        case .int32:
            let v = values.int32
            switch type {
            case .int8: return .int8(v.map { Int8(truncatingIfNeeded: $0) })
            case .int16: return .int16(v.map { Int16(truncatingIfNeeded: $0) })
            case .uint8: return .uint8(v.map { UInt8(truncatingIfNeeded: $0) })
            case .uint16: return .uint16(v.map { UInt16(truncatingIfNeeded: $0) })
            case .uint32: return .uint32(v.map { UInt32(bitPattern: $0) })
            case .time: return .int64(v.map { Int64($0) })
            case .decimal(let precision, _):
                return precision <= 18 ? .int64(v.map { Int64($0) }) : .int128(v.map { Int128($0) })
            default: return .int32(v)
            }
        case .int64, .int96:
            let v = values.int64
            switch type {
            case .uint64: return .uint64(v.map { UInt64(bitPattern: $0) })
            case .decimal(let precision, _) where precision > 18: return .int128(v.map { Int128($0) })
            default: return .int64(v)
            }
        case .float: return .float32(values.float)
        case .double: return .float64(values.double)
        case .byteArray:
            if case .decimal(let precision, _) = type {
                return try values.data.withUnsafeBytes { raw in
                    try decimals(raw, count: values.count, precision: precision, context: context) { index in
                        (Int(values.offsets[index]), Int(values.offsets[index + 1]))
                    }
                }
            }
            return .bytes(offsets: values.offsets, data: values.data)
        case .fixedLenByteArray:
            let width = values.width
            switch type {
            case .decimal(let precision, _):
                return try values.data.withUnsafeBytes { raw in
                    try decimals(raw, count: values.count, precision: precision, context: context) { index in
                        (index * width, (index + 1) * width)
                    }
                }
            case .float32 where width == 2:
                return .float32(values.data.withUnsafeBytes { raw in
                    (0..<values.count).map { Float(Float16Bits.decode(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self).littleEndian)) }
                })
            default: return .fixedBytes(width: width, data: values.data)
            }
        }
    }

    /// Big-endian two's-complement unscaled decimals ("the most significant byte is the zeroth
    /// element") to Int64 (precision ≤ 18) or Int128.
    private static func decimals(
        _ raw: UnsafeRawBufferPointer, count: Int, precision: Int, context: String, range: (Int) -> (Int, Int)
    ) throws -> ColumnStorage {
        do {
            var wide: [Int128] = []
            wide.reserveCapacity(count)
            for index in 0..<count {
                let (start, end) = range(index)
                guard end - start <= 16 else {
                    throw TarnError(.unsupported, "\(context): decimal value of \(end - start) bytes (at most 16)")
                }
                if end == start {
                    wide.append(0)
                    continue
                }
                var value: Int128 = Int128(Int8(bitPattern: raw[start]))
                for byte in (start + 1)..<end { value = value << 8 | Int128(raw[byte]) }
                wide.append(value)
            }
            if precision <= 18 { return .int64(wide.map { Int64(truncatingIfNeeded: $0) }) }
            return .int128(wide)
        }
    }
}

/// IEEE 754 binary16 decoding for the FLOAT16 logical type (stored little-endian).
enum Float16Bits {
    static func decode(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits >> 15) << 31
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // Subnormal or zero: mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
