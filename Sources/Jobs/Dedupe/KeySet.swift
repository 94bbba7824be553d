import TarnCore

/// The dedupe keys of one partition (or of a whole table): an open-addressing hash set of
/// 128-bit fingerprints in one flat array, with the fingerprints added by the current run
/// flagged so they can be written out at commit.
///
/// Slot layout: `slots[2i]` = high word, `slots[2i+1]` = low word with bit 0 set (occupied) and
/// bit 1 set when the key was added by this run. Linear probing; the table doubles past 70%
/// load. 16 bytes per slot: about 23 bytes per key.
struct KeySet {
    private var slots: [UInt64]
    private var mask: Int
    /// Keys held (loaded and added).
    private(set) var count = 0
    /// Keys added by this run.
    private(set) var addedCount = 0

    static let occupied: UInt64 = 1
    static let added: UInt64 = 2

    /// An empty set sized for about `expected` keys (at least `minimumCapacity` slots).
    init(expected: Int = 0, minimumCapacity: Int = 1024) {
        var capacity = max(1, minimumCapacity)
        while capacity * 7 / 10 < expected { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
    }

    /// Inserts `key` unless present.
    /// - Parameter markAdded: flag the key as added by this run (false for keys loaded from the index).
    /// - Returns: true when the key was new.
    @inline(__always)
    mutating func insert(_ key: KeyHash, markAdded: Bool) -> Bool {
        if (count + 1) * 10 > (mask + 1) * 7 { grow() }
        let low = (key.low & ~3) | Self.occupied | (markAdded ? Self.added : 0)
        let wanted = key.low & ~3
        return slots.withUnsafeMutableBufferPointer { table in
            var slot = Int(truncatingIfNeeded: key.high) & mask
            while true {
                let storedLow = table[2 * slot + 1]
                if storedLow == 0 {
                    table[2 * slot] = key.high
                    table[2 * slot + 1] = low
                    count += 1
                    if markAdded { addedCount += 1 }
                    return true
                }
                if table[2 * slot] == key.high && storedLow & ~3 == wanted { return false }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether `key` is present.
    func contains(_ key: KeyHash) -> Bool {
        let wanted = key.low & ~3
        var slot = Int(truncatingIfNeeded: key.high) & mask
        while true {
            let storedLow = slots[2 * slot + 1]
            if storedLow == 0 { return false }
            if slots[2 * slot] == key.high && storedLow & ~3 == wanted { return true }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        let capacity = (mask + 1) * 2
        slots = [UInt64](repeating: 0, count: capacity * 2)
        mask = capacity - 1
        old.withUnsafeBufferPointer { previous in
            slots.withUnsafeMutableBufferPointer { table in
                for index in stride(from: 0, to: previous.count, by: 2) where previous[index + 1] != 0 {
                    var slot = Int(truncatingIfNeeded: previous[index]) & mask
                    while table[2 * slot + 1] != 0 { slot = (slot + 1) & mask }
                    table[2 * slot] = previous[index]
                    table[2 * slot + 1] = previous[index + 1]
                }
            }
        }
    }

    /// The keys added by this run, canonical (flags cleared), in slot order.
    func addedKeys() -> [KeyHash] {
        var result: [KeyHash] = []
        result.reserveCapacity(addedCount)
        for index in stride(from: 0, to: slots.count, by: 2) where slots[index + 1] & Self.added != 0 {
            result.append(KeyHash(high: slots[index], low: slots[index + 1] & ~3))
        }
        return result
    }

    /// Every key held, canonical, in slot order.
    func allKeys() -> [KeyHash] {
        var result: [KeyHash] = []
        result.reserveCapacity(count)
        for index in stride(from: 0, to: slots.count, by: 2) where slots[index + 1] != 0 {
            result.append(KeyHash(high: slots[index], low: slots[index + 1] & ~3))
        }
        return result
    }

    /// Bytes the table occupies (for memory reporting).
    var memoryBytes: Int { slots.count * 8 }
}
