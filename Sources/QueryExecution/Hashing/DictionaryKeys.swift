import Columnar

/// Group and join keys over dictionary-encoded columns (`Column.dictionary`, from Parquet
/// dictionary pages): each row's key is named by a small code built from its dictionary
/// indices, the batch's distinct codes are found with an array instead of a hash table, and only
/// one row per distinct code is encoded, hashed and looked up. The rest of the rows take that
/// row's answer.
///
/// Why: a string key (a category, a product id, a customer id) used to be hashed and compared
/// byte by byte on every row, although Parquet stores each distinct string once per row group.
/// On the lake's queries that per-row hashing was a fifth to two fifths of the CPU (p01, p06).
///
/// Results are exactly those of the row-wise path: the same groups, found or created in the
/// same order (first occurrence in the batch), with the same `newGroupRows`. Dictionaries may
/// differ from batch to batch (one per Parquet row group); codes are private to one batch.
enum DictionaryKeys {
    /// Largest code space worth an array, relative to the batch's rows: a dictionary much larger
    /// than the batch (a selective filter upstream) is better served row by row.
    static func spaceLimit(rows: Int) -> Int { 4 * rows + 1024 }

    /// Per-row codes for a key whose non-constant columns all carry a dictionary: the code
    /// combines each such column's index (its entry count stands for NULL). Constant columns
    /// (`constant[k]`, one value in every row) add nothing. Nil when some varying column has no
    /// dictionary, nothing varies, or the code space exceeds `spaceLimit`.
    /// - Returns: the codes (one per row, each in `0 ..< space`) and the space.
    static func codes(_ keys: [Column], constant: [Bool], count n: Int) -> (codes: [Int32], space: Int)? {
        let limit = spaceLimit(rows: n)
        var space = 1
        var varying: [(dictionary: ColumnDictionary, validity: [Bool]?)] = []
        for (k, key) in keys.enumerated() where !constant[k] {
            guard let dictionary = key.dictionary else { return nil }
            let radix = dictionary.values.count + 1
            guard radix <= limit, space <= limit / radix else { return nil }
            space *= radix
            varying.append((dictionary, key.validity))
        }
        guard !varying.isEmpty else { return nil }
        var codes = [Int32](repeating: 0, count: n)
        codes.withUnsafeMutableBufferPointer { out in
            for (dictionary, validity) in varying {
                let radix = Int32(dictionary.values.count + 1)
                let nullCode = radix - 1
                dictionary.indices.withUnsafeBufferPointer { indices in
                    if let validity {
                        for i in 0..<n { out[i] = out[i] &* radix &+ (validity[i] ? indices[i] : nullCode) }
                    } else {
                        for i in 0..<n { out[i] = out[i] &* radix &+ indices[i] }
                    }
                }
            }
        }
        return (codes, space)
    }

    /// The first row of each distinct code, in order of first occurrence, and per row the
    /// position of its code in that list.
    /// Codes are dictionary indices or interner numbers, each in `0 ..< space`.
    static func distinct<Code: BinaryInteger>(_ codes: [Code], space: Int) -> (rows: [Int32], slots: [Int32]) {
        var position = [Int32](repeating: -1, count: space)
        var rows: [Int32] = []
        let n = codes.count
        let slots = n == 0 ? [] : [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            position.withUnsafeMutableBufferPointer { position in
                codes.withUnsafeBufferPointer { codes in
                    for i in 0..<n {
                        let code = Int(codes[i])
                        if position[code] < 0 {
                            position[code] = Int32(rows.count)
                            rows.append(Int32(i))
                        }
                        out[i] = position[code]
                    }
                }
            }
            initialized = n
        }
        return (rows, slots)
    }

    /// Spreads the answers for the distinct rows (`perDistinct[slot]`) back to every row.
    static func spread(_ perDistinct: [Int32], slots: [Int32]) -> [Int32] {
        let n = slots.count
        if n == 0 { return [] }
        return [Int32](unsafeUninitializedCapacity: n) { out, initialized in
            perDistinct.withUnsafeBufferPointer { answers in
                slots.withUnsafeBufferPointer { slots in
                    for i in 0..<n { out[i] = answers[Int(slots[i])] }
                }
            }
            initialized = n
        }
    }
}

extension Column {
    /// The same values without the dictionary: for state kept across batches (group keys,
    /// distinct values), which would otherwise hold every batch's whole dictionary alive.
    var withoutDictionary: Column {
        dictionary == nil ? self : Column(type: type, storage: storage, validity: validity)
    }
}

extension KeyTable {
    /// `groups(KeyEncoder.encode([column], …), insert:newGroupRows:)` for a dictionary-encoded
    /// column, looking up each distinct value of the batch once; nil when the column has no
    /// (usable) dictionary, so the caller takes the row-wise path.
    func groups(dictionaryKey column: Column, count n: Int, insert: Bool, newGroupRows: inout [Int32]) -> [Int32]? {
        guard n > 1, let (codes, space) = DictionaryKeys.codes([column], constant: [false], count: n) else { return nil }
        let (rows, slots) = DictionaryKeys.distinct(codes, space: space)
        let sample = column.take(rows)
        var sampleNew: [Int32] = []
        let found = groups(KeyEncoder.encode([sample], count: rows.count), insert: insert, newGroupRows: &sampleNew)
        // Sample rows are in first-occurrence order, so new groups keep the row-wise order.
        for row in sampleNew { newGroupRows.append(rows[Int(row)]) }
        return DictionaryKeys.spread(found, slots: slots)
    }
}
