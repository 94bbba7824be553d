import Foundation
import TarnCore

/// An open-addressing hash table from encoded keys to dense group numbers 0, 1, 2, … — the
/// core of hash aggregation, DISTINCT and join build sides.
///
/// Slots hold group numbers (`-1` = empty) in a power-of-two array with linear probing; each
/// group's hash and key live in flat arrays (`groupHashes`, `groupWords` or
/// `groupBytes`/`groupOffsets`), so lookups touch contiguous memory and nothing is allocated
/// per row.
final class KeyTable {
    private(set) var count = 0
    private var slots: [Int32]
    private var mask: Int
    private(set) var groupHashes: [UInt64] = []
    private(set) var groupWords: [UInt64] = []
    private var wordsPerRow = -1
    private(set) var groupBytes: [UInt8] = []
    private(set) var groupOffsets: [Int] = [0]

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Approximate bytes held, for memory accounting.
    var memoryBytes: Int {
        slots.count * 4 + groupHashes.count * 8 + groupWords.count * 8 + groupBytes.count + groupOffsets.count * 8
    }

    private func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        slots.withUnsafeMutableBufferPointer { s in
            for g in 0..<count {
                var slot = Int(truncatingIfNeeded: groupHashes[g]) & mask
                while s[slot] >= 0 { slot = (slot + 1) & mask }
                s[slot] = Int32(g)
            }
        }
    }

    /// Finds or adds the group of every row. Rows with `skip[i]` true get -1.
    /// - Parameters:
    ///   - keys: the encoded keys of a batch.
    ///   - insert: add unseen keys as new groups (false: unseen keys get -1).
    ///   - newGroupRows: receives the row of each newly added group, in group order.
    func groups(_ keys: EncodedKeys, insert: Bool, skip: [Bool]? = nil, newGroupRows: inout [Int32]) -> [Int32] {
        let n = keys.count
        var result = [Int32](repeating: -1, count: n)
        if keys.wordsPerRow > 0 {
            if wordsPerRow < 0 { wordsPerRow = keys.wordsPerRow }
            precondition(wordsPerRow == keys.wordsPerRow, "key layout changed between batches")  // programmer error
            let w = wordsPerRow
            for i in 0..<n {
                if let skip, skip[i] { continue }
                if insert && (count + 1) * 2 > slots.count { grow() }
                let h = keys.hashes[i]
                var slot = Int(truncatingIfNeeded: h) & mask
                let base = i * w
                while true {
                    let g = Int(slots[slot])
                    if g < 0 {
                        if insert {
                            slots[slot] = Int32(count)
                            groupHashes.append(h)
                            groupWords.append(contentsOf: keys.words[base..<(base + w)])
                            newGroupRows.append(Int32(i))
                            result[i] = Int32(count)
                            count += 1
                        }
                        break
                    }
                    if groupHashes[g] == h {
                        var equal = true
                        let gb = g * w
                        for k in 0..<w where groupWords[gb + k] != keys.words[base + k] {
                            equal = false
                            break
                        }
                        if equal {
                            result[i] = Int32(g)
                            break
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        } else {
            for i in 0..<n {
                if let skip, skip[i] { continue }
                if insert && (count + 1) * 2 > slots.count { grow() }
                let h = keys.hashes[i]
                var slot = Int(truncatingIfNeeded: h) & mask
                let start = keys.offsets[i], end = keys.offsets[i + 1]
                while true {
                    let g = Int(slots[slot])
                    if g < 0 {
                        if insert {
                            slots[slot] = Int32(count)
                            groupHashes.append(h)
                            groupBytes.append(contentsOf: keys.bytes[start..<end])
                            groupOffsets.append(groupBytes.count)
                            newGroupRows.append(Int32(i))
                            result[i] = Int32(count)
                            count += 1
                        }
                        break
                    }
                    if groupHashes[g] == h {
                        let gs = groupOffsets[g], ge = groupOffsets[g + 1]
                        if ge - gs == end - start {
                            let equal = groupBytes.withUnsafeBytes { a in
                                keys.bytes.withUnsafeBytes { b in
                                    end == start || memcmp(a.baseAddress! + gs, b.baseAddress! + start, end - start) == 0
                                }
                            }
                            if equal {
                                result[i] = Int32(g)
                                break
                            }
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        return result
    }

    /// The stored keys of all groups as an `EncodedKeys` (for merging tables).
    func storedKeys() -> EncodedKeys {
        EncodedKeys(
            count: count, hashes: groupHashes, nullRows: nil, words: groupWords, wordsPerRow: max(0, wordsPerRow),
            bytes: groupBytes, offsets: groupOffsets)
    }
}
