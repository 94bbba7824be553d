/// Gathering, slicing, filtering and concatenating columns: the selection kernels every operator
/// and writer builds on. Each works on whole arrays, one pass, no per-value allocation.
extension Column {
    /// The rows at `indices`, in that order (indices may repeat).
    /// - Parameter indices: row numbers, each in `0..<count`.
    public func take(_ indices: [Int32]) -> Column {
        let newValidity = validity.map { v in indices.map { v[Int($0)] } }
        let taken = Column(type: type, storage: storage.take(indices), validity: newValidity)
        guard let dictionary else { return taken }
        // The dictionary rides along: its indices are gathered like any Int32 column.
        let codes = dictionary.indices
        let newCodes = indices.isEmpty ? [] : codes.withUnsafeBufferPointer { source in
            [Int32](unsafeUninitializedCapacity: indices.count) { out, count in
                for (position, index) in indices.enumerated() { out[position] = source[Int(index)] }
                count = indices.count
            }
        }
        return taken.withDictionary(dictionary.values, newCodes)
    }

    /// Rows `range`.
    public func slice(_ range: Range<Int>) -> Column {
        if range.lowerBound == 0 && range.upperBound == count { return self }
        let newValidity = validity.map { Array($0[range]) }
        let sliced = Column(type: type, storage: storage.slice(range), validity: newValidity)
        guard let dictionary else { return sliced }
        return sliced.withDictionary(dictionary.values, Array(dictionary.indices[range]))
    }

    /// The rows where `mask` is true.
    /// - Parameter mask: one entry per row.
    public func filter(_ mask: [Bool]) -> Column {
        var indices: [Int32] = []
        indices.reserveCapacity(mask.count)
        for (index, keep) in mask.enumerated() where keep { indices.append(Int32(index)) }
        if indices.count == count { return self }
        return take(indices)
    }

    /// All rows of `columns` one after another; every column must have the same type.
    public static func concatenate(_ columns: [Column]) -> Column {
        guard let first = columns.first else { preconditionFailure("concatenate of no columns") }
        if columns.count == 1 { return first }
        let anyNull = columns.contains { $0.validity != nil }
        var validity: [Bool]? = nil
        if anyNull {
            var all: [Bool] = []
            all.reserveCapacity(columns.reduce(0) { $0 + $1.count })
            for column in columns {
                if let v = column.validity { all.append(contentsOf: v) } else { all.append(contentsOf: repeatElement(true, count: column.count)) }
            }
            validity = all
        }
        return Column(type: first.type, storage: ColumnStorage.concatenate(columns.map(\.storage)), validity: validity)
    }
}

extension ColumnStorage {
    /// The values at `indices`.
    public func take(_ indices: [Int32]) -> ColumnStorage {
        @inline(__always) func gather<T>(_ values: [T]) -> [T] {
            // An empty result must not go through `unsafeUninitializedCapacity`: for capacity 0 it
            // writes the count into the shared empty-array singleton, a data race between threads.
            if indices.isEmpty { return [] }
            return values.withUnsafeBufferPointer { source in
                [T](unsafeUninitializedCapacity: indices.count) { out, count in
                    for (position, index) in indices.enumerated() {
                        (out.baseAddress! + position).initialize(to: source[Int(index)])
                    }
                    count = indices.count
                }
            }
        }
        switch self {
        case .bool(let v): return .bool(gather(v))
        case .int8(let v): return .int8(gather(v))
        case .int16(let v): return .int16(gather(v))
        case .int32(let v): return .int32(gather(v))
        case .int64(let v): return .int64(gather(v))
        case .uint8(let v): return .uint8(gather(v))
        case .uint16(let v): return .uint16(gather(v))
        case .uint32(let v): return .uint32(gather(v))
        case .uint64(let v): return .uint64(gather(v))
        case .float32(let v): return .float32(gather(v))
        case .float64(let v): return .float64(gather(v))
        case .int128(let v): return .int128(gather(v))
        case .bytes(let offsets, let data):
            // Raw pointers throughout, and short values (most keys and labels) copied in-line:
            // a `memmove` call per value was a tenth of a join that gathers a string column for
            // every probe row (the lake's p06).
            let n = indices.count
            var total = 0
            let newOffsets = [Int32](unsafeUninitializedCapacity: n + 1) { out, count in
                offsets.withUnsafeBufferPointer { o in
                    indices.withUnsafeBufferPointer { idx in
                        out[0] = 0
                        for i in 0..<n {
                            let index = Int(idx[i])
                            total += Int(o[index + 1] &- o[index])
                            out[i + 1] = Int32(truncatingIfNeeded: total)
                        }
                    }
                }
                count = n + 1
            }
            let newData = total == 0 ? [] : data.withUnsafeBufferPointer { source in
                [UInt8](unsafeUninitializedCapacity: total) { out, count in
                    offsets.withUnsafeBufferPointer { o in
                        indices.withUnsafeBufferPointer { idx in
                            let target = UnsafeMutableRawPointer(out.baseAddress!)
                            let base = UnsafeRawPointer(source.baseAddress!)
                            let sourceCount = source.count
                            var position = 0
                            for i in 0..<n {
                                let index = Int(idx[i])
                                let start = Int(o[index]), length = Int(o[index + 1]) - start
                                if length <= 16 && start + 16 <= sourceCount && position + 16 <= total {
                                    // Two unaligned 8-byte words; bytes past the value are
                                    // inside both buffers and overwritten by the next value.
                                    target.storeBytes(of: base.loadUnaligned(fromByteOffset: start, as: UInt64.self), toByteOffset: position, as: UInt64.self)
                                    target.storeBytes(of: base.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self), toByteOffset: position + 8, as: UInt64.self)
                                } else if length <= 16 {
                                    for k in 0..<length { target.storeBytes(of: base.load(fromByteOffset: start + k, as: UInt8.self), toByteOffset: position + k, as: UInt8.self) }
                                } else {
                                    (target + position).copyMemory(from: base + start, byteCount: length)
                                }
                                position += length
                            }
                        }
                    }
                    count = total
                }
            }
            return .bytes(offsets: newOffsets, data: newData)
        case .fixedBytes(let width, let data):
            var newData = [UInt8]()
            newData.reserveCapacity(indices.count * width)
            for index in indices { newData.append(contentsOf: data[Int(index) * width..<(Int(index) + 1) * width]) }
            return .fixedBytes(width: width, data: newData)
        case .list(let offsets, let values):
            var newOffsets: [Int32] = [0]
            var childIndices: [Int32] = []
            for index in indices {
                for child in offsets[Int(index)]..<offsets[Int(index) + 1] { childIndices.append(child) }
                newOffsets.append(Int32(childIndices.count))
            }
            return .list(offsets: newOffsets, values: values.take(childIndices))
        case .structure(let children):
            return .structure(children.map { $0.take(indices) })
        }
    }

    /// Values `range`.
    public func slice(_ range: Range<Int>) -> ColumnStorage {
        switch self {
        case .bool(let v): return .bool(Array(v[range]))
        case .int8(let v): return .int8(Array(v[range]))
        case .int16(let v): return .int16(Array(v[range]))
        case .int32(let v): return .int32(Array(v[range]))
        case .int64(let v): return .int64(Array(v[range]))
        case .uint8(let v): return .uint8(Array(v[range]))
        case .uint16(let v): return .uint16(Array(v[range]))
        case .uint32(let v): return .uint32(Array(v[range]))
        case .uint64(let v): return .uint64(Array(v[range]))
        case .float32(let v): return .float32(Array(v[range]))
        case .float64(let v): return .float64(Array(v[range]))
        case .int128(let v): return .int128(Array(v[range]))
        case .bytes(let offsets, let data):
            let base = offsets[range.lowerBound]
            let newOffsets = offsets[range.lowerBound...range.upperBound].map { $0 - base }
            return .bytes(offsets: newOffsets, data: Array(data[Int(base)..<Int(offsets[range.upperBound])]))
        case .fixedBytes(let width, let data):
            return .fixedBytes(width: width, data: Array(data[range.lowerBound * width..<range.upperBound * width]))
        case .list(let offsets, let values):
            let base = offsets[range.lowerBound]
            let newOffsets = offsets[range.lowerBound...range.upperBound].map { $0 - base }
            return .list(offsets: newOffsets, values: values.slice(Int(base)..<Int(offsets[range.upperBound])))
        case .structure(let children):
            return .structure(children.map { $0.slice(range) })
        }
    }

    /// All values of `parts`, in order; every part must have the same kind.
    public static func concatenate(_ parts: [ColumnStorage]) -> ColumnStorage {
        func join<T>(_ extract: (ColumnStorage) -> [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for part in parts { out.append(contentsOf: extract(part)) }
            return out
        }
        switch parts[0] {
        case .bool: return .bool(join { if case .bool(let v) = $0 { v } else { [] } })
        case .int8: return .int8(join { if case .int8(let v) = $0 { v } else { [] } })
        case .int16: return .int16(join { if case .int16(let v) = $0 { v } else { [] } })
        case .int32: return .int32(join { if case .int32(let v) = $0 { v } else { [] } })
        case .int64: return .int64(join { if case .int64(let v) = $0 { v } else { [] } })
        case .uint8: return .uint8(join { if case .uint8(let v) = $0 { v } else { [] } })
        case .uint16: return .uint16(join { if case .uint16(let v) = $0 { v } else { [] } })
        case .uint32: return .uint32(join { if case .uint32(let v) = $0 { v } else { [] } })
        case .uint64: return .uint64(join { if case .uint64(let v) = $0 { v } else { [] } })
        case .float32: return .float32(join { if case .float32(let v) = $0 { v } else { [] } })
        case .float64: return .float64(join { if case .float64(let v) = $0 { v } else { [] } })
        case .int128: return .int128(join { if case .int128(let v) = $0 { v } else { [] } })
        case .bytes:
            var offsets: [Int32] = [0]
            var data: [UInt8] = []
            for case .bytes(let partOffsets, let partData) in parts {
                let base = Int32(truncatingIfNeeded: data.count) - partOffsets[0]
                offsets.append(contentsOf: partOffsets.dropFirst().map { $0 + base })
                data.append(contentsOf: partData[Int(partOffsets[0])..<Int(partOffsets.last!)])
            }
            return .bytes(offsets: offsets, data: data)
        case .fixedBytes(let width, _):
            return .fixedBytes(width: width, data: join { if case .fixedBytes(_, let d) = $0 { d } else { [] } })
        case .list:
            var offsets: [Int32] = [0]
            var children: [Column] = []
            for case .list(let partOffsets, let values) in parts {
                let start = Int(partOffsets[0]), end = Int(partOffsets.last!)
                let base = (offsets.last ?? 0) - partOffsets[0]
                offsets.append(contentsOf: partOffsets.dropFirst().map { $0 + base })
                children.append(values.slice(start..<end))
            }
            return .list(offsets: offsets, values: Column.concatenate(children))
        case .structure(let first):
            return .structure((0..<first.count).map { child in
                Column.concatenate(parts.map { if case .structure(let c) = $0 { c[child] } else { preconditionFailure("mixed kinds") } })
            })
        }
    }
}

extension RecordBatch {
    /// Rows `range` of every column.
    public func slice(_ range: Range<Int>) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.slice(range) }, rowCount: range.count)
    }

    /// The rows at `indices` of every column.
    public func take(_ indices: [Int32]) -> RecordBatch {
        RecordBatch(schema: schema, columns: columns.map { $0.take(indices) }, rowCount: indices.count)
    }

    /// The rows where `mask` is true.
    public func filter(_ mask: [Bool]) -> RecordBatch {
        var indices: [Int32] = []
        for (index, keep) in mask.enumerated() where keep { indices.append(Int32(index)) }
        return take(indices)
    }

    /// The rows of `batches` one after another (all must share the schema).
    public static func concatenate(_ batches: [RecordBatch], schema: Schema) -> RecordBatch {
        guard !batches.isEmpty else { return .empty(schema) }
        if batches.count == 1 { return batches[0] }
        let columns = schema.fields.indices.map { index in Column.concatenate(batches.map { $0.columns[index] }) }
        return RecordBatch(schema: schema, columns: columns, rowCount: batches.reduce(0) { $0 + $1.rowCount })
    }
}
