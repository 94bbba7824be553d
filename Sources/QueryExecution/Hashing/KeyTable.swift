import Foundation
import TarnCore

/// A growable buffer of trivial values in manually managed memory, so hot loops can hold a
/// pointer to it without Swift's copy-on-write and exclusivity checks. Owned by one `KeyTable`.
struct RawBuffer<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    /// Makes room for `extra` more elements (may move the storage: re-read `base` after).
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        moved.moveInitialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = newCapacity
    }

    /// Appends without checking capacity (call `reserve` first).
    @inline(__always) mutating func appendUnchecked(_ value: Element) {
        (base + count).initialize(to: value)
        count += 1
    }

    mutating func append(contentsOf source: UnsafeBufferPointer<Element>) {
        reserve(source.count)
        if let start = source.baseAddress { (base + count).initialize(from: start, count: source.count) }
        count += source.count
    }

    var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// An open-addressing hash table from encoded keys to dense group numbers 0, 1, 2, … — the
/// core of hash aggregation, DISTINCT and join build sides.
///
/// Slots are 64-bit words in a power-of-two array with linear probing: the high 32 bits hold the
/// key's hash tag and the low 32 bits the group number + 1 (0 = empty), so a probe rejects most
/// non-matching slots without touching the group's key. Each group's hash and key live in flat
/// buffers (`hashes`, `words` or `bytes`/`offsets`), so nothing is allocated per row. The
/// buffers are manually managed so the probe loop runs on raw pointers.
final class KeyTable {
    private(set) var count = 0
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount: Int
    private var hashes = RawBuffer<UInt64>(capacity: 256)
    private var words = RawBuffer<UInt64>(capacity: 256)
    private var wordsPerRow = -1
    private var bytes = RawBuffer<UInt8>(capacity: 1024)
    private var offsets = RawBuffer<Int>(capacity: 256)
    /// Per group (bytes layout): 1 when the key is NULL (single-string encoding).
    private var nullGroups = RawBuffer<UInt8>(capacity: 256)

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotCount = size
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        offsets.appendUnchecked(0)
    }

    deinit {
        slots.deallocate()
        hashes.free()
        words.free()
        bytes.free()
        offsets.free()
        nullGroups.free()
    }

    /// Approximate bytes held, for memory accounting.
    var memoryBytes: Int { slotCount * 8 + hashes.capacity * 8 + words.capacity * 8 + bytes.capacity + offsets.capacity * 8 }

    /// Grows the slot array so `needed` groups keep the load factor at most 1/2.
    private func ensureSlots(for needed: Int) {
        guard needed * 2 > slotCount else { return }
        var size = slotCount
        while needed * 2 > size { size <<= 1 }
        slots.deallocate()
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        slotCount = size
        let mask = size - 1
        for g in 0..<count {
            let h = hashes.base[g]
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Self.slotValue(h, g)
        }
    }

    /// A slot word: hash tag in the high half, group number + 1 in the low half.
    @inline(__always) static func slotValue(_ hash: UInt64, _ group: Int) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(group + 1)
    }

    /// Finds or adds the group of every row. Rows with `skip[i]` true get -1.
    /// - Parameters:
    ///   - keys: the encoded keys of a batch.
    ///   - insert: add unseen keys as new groups (false: unseen keys get -1).
    ///   - newGroupRows: receives the row of each newly added group, in group order.
    func groups(_ keys: EncodedKeys, insert: Bool, skip: [Bool]? = nil, newGroupRows: inout [Int32]) -> [Int32] {
        let n = keys.count
        var result = [Int32](repeating: -1, count: n)
        // Lookups in an empty table find nothing; returning early also keeps concurrent probes of
        // a shared build side from ever writing to it.
        if n == 0 || (!insert && count == 0) { return result }
        if insert {
            // Room for every row to be new: no rehash or reallocation inside the loop.
            ensureSlots(for: count + n)
            hashes.reserve(n)
        }
        let mask = slotCount - 1
        let slots = self.slots
        if keys.wordsPerRow > 0 {
            if insert && wordsPerRow < 0 { wordsPerRow = keys.wordsPerRow }
            // Programmer error: every batch of one table encodes the same key types.
            precondition(wordsPerRow == keys.wordsPerRow, "key layout changed between batches")
            let w = wordsPerRow
            if insert { words.reserve(n * w) }
            keys.words.withUnsafeBufferPointer { keyWords in
                keys.hashes.withUnsafeBufferPointer { keyHashes in
                    result.withUnsafeMutableBufferPointer { out in
                        let groupHashes = hashes.base
                        let groupWords = words.base
                        for i in 0..<n {
                            if let skip, skip[i] { continue }
                            let h = keyHashes[i]
                            var slot = Int(truncatingIfNeeded: h) & mask
                            let row = keyWords.baseAddress! + i * w
                            let tag = h & 0xFFFF_FFFF_0000_0000
                            while true {
                                let entry = slots[slot]
                                if entry == 0 {
                                    if insert {
                                        slots[slot] = Self.slotValue(h, count)
                                        (groupHashes + count).initialize(to: h)
                                        (groupWords + count * w).initialize(from: row, count: w)
                                        newGroupRows.append(Int32(i))
                                        out[i] = Int32(count)
                                        count += 1
                                    }
                                    break
                                }
                                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                                    let g = Int(entry & 0xFFFF_FFFF) - 1
                                    let stored = groupWords + g * w
                                    var equal = true
                                    for k in 0..<w where stored[k] != row[k] {
                                        equal = false
                                        break
                                    }
                                    if equal {
                                        out[i] = Int32(g)
                                        break
                                    }
                                }
                                slot = (slot + 1) & mask
                            }
                        }
                    }
                }
            }
            if insert {
                hashes.setCount(count)
                words.setCount(count * w)
            }
        } else {
            if insert {
                bytes.reserve(keys.bytes.count)
                offsets.reserve(n)
                nullGroups.reserve(n)
            }
            let nullRows = keys.nullRows
            let nullsBySlot = keys.nullsBySlot
            keys.bytes.withUnsafeBytes { keyBytes in
                keys.hashes.withUnsafeBufferPointer { keyHashes in
                    keys.offsets.withUnsafeBufferPointer { keyOffsets in
                        result.withUnsafeMutableBufferPointer { out in
                            let groupHashes = hashes.base
                            let groupBytes = bytes.base
                            let groupOffsets = offsets.base
                            let groupNulls = nullGroups.base
                            var used = bytes.count
                            for i in 0..<n {
                                if let skip, skip[i] { continue }
                                let h = keyHashes[i]
                                var slot = Int(truncatingIfNeeded: h) & mask
                                let rowIsNull: UInt8 = nullsBySlot && (nullRows?[i] ?? false) ? 1 : 0
                                let start = keyOffsets[i], length = rowIsNull == 1 ? 0 : keyOffsets[i + 1] - start
                                let row = keyBytes.baseAddress! + start
                                let tag = h & 0xFFFF_FFFF_0000_0000
                                while true {
                                    let entry = slots[slot]
                                    if entry == 0 {
                                        if insert {
                                            slots[slot] = Self.slotValue(h, count)
                                            (groupHashes + count).initialize(to: h)
                                            if length > 0 { UnsafeMutableRawPointer(groupBytes + used).copyMemory(from: row, byteCount: length) }
                                            used += length
                                            (groupOffsets + count + 1).initialize(to: used)
                                            (groupNulls + count).initialize(to: rowIsNull)
                                            newGroupRows.append(Int32(i))
                                            out[i] = Int32(count)
                                            count += 1
                                        }
                                        break
                                    }
                                    if entry & 0xFFFF_FFFF_0000_0000 == tag {
                                        let g = Int(entry & 0xFFFF_FFFF) - 1
                                        let gs = groupOffsets[g], ge = groupOffsets[g + 1]
                                        if groupNulls[g] == rowIsNull && ge - gs == length && (length == 0 || memcmp(groupBytes + gs, row, length) == 0) {
                                            out[i] = Int32(g)
                                            break
                                        }
                                    }
                                    slot = (slot + 1) & mask
                                }
                            }
                        }
                    }
                }
            }
            if insert {
                hashes.setCount(count)
                offsets.setCount(count + 1)
                nullGroups.setCount(count)
                bytes.setCount(offsets.base[count])
            }
        }
        return result
    }

    /// The stored keys of all groups as an `EncodedKeys` (for merging tables).
    func storedKeys() -> EncodedKeys {
        EncodedKeys(
            count: count, hashes: hashes.array, nullRows: nil, words: words.array, wordsPerRow: max(0, wordsPerRow),
            bytes: bytes.array, offsets: offsets.array)
    }
}

extension RawBuffer {
    /// Records elements initialized directly through `base` (within the reserved capacity).
    mutating func setCount(_ newCount: Int) {
        // Programmer error: writing past the reservation corrupts memory.
        precondition(newCount <= capacity, "RawBuffer count \(newCount) beyond capacity \(capacity)")
        count = newCount
    }
}
