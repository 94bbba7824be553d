/// Member name → schema column, by hashing the name's bytes in place (no `String` per key).
///
/// Open addressing over a power-of-two table of column indices; the FNV-1a hash is over the
/// bytes (ASCII-lowercased when matching ignores case) and a hit is confirmed byte by byte.
struct JSONFieldLookup {
    private let names: [[UInt8]]
    private let table: [Int32]
    private let mask: Int
    private let ignoreCase: Bool

    init(names: [String], ignoreCase: Bool) {
        self.ignoreCase = ignoreCase
        // ASCII case folding only, the same the hash applies to the keys.
        let encoded = names.map { name in
            Array(name.utf8).map { ignoreCase && $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        }
        var size = 8
        while size < names.count * 2 { size *= 2 }
        let mask = size - 1
        var table = [Int32](repeating: -1, count: size)
        for (index, name) in encoded.enumerated() {
            let hash = name.withUnsafeBufferPointer { Self.hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count, ignoreCase) }
            let found = Self.probe(table, mask, hash) { existing in encoded[Int(existing)] == name }
            // The first of duplicate names wins, as Schema.index(of:) does.
            if table[found] == -1 { table[found] = Int32(index) }
        }
        self.names = encoded
        self.mask = mask
        self.table = table
    }

    @inline(__always)
    private static func hash(_ start: UnsafePointer<UInt8>, _ count: Int, _ ignoreCase: Bool) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<count {
            var byte = start[index]
            if ignoreCase && byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash)
    }

    /// The slot where a key with `hash` is or would be.
    @inline(__always)
    private static func probe(_ table: [Int32], _ mask: Int, _ hash: Int, _ matches: (Int32) -> Bool) -> Int {
        var slot = hash & mask
        while table[slot] != -1 && !matches(table[slot]) { slot = (slot + 1) & mask }
        return slot
    }

    /// The column named by the bytes, or nil.
    @inline(__always)
    func column(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        let slot = Self.probe(table, mask, Self.hash(start, count, ignoreCase)) { candidate in
            let name = names[Int(candidate)]
            guard name.count == count else { return false }
            return name.withUnsafeBufferPointer { buffer in
                if count == 0 { return true }
                if !ignoreCase { return memoryEqual(buffer.baseAddress!, start, count) }
                for index in 0..<count {
                    var byte = start[index]
                    if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
                    if byte != buffer[index] { return false }
                }
                return true
            }
        }
        let column = table[slot]
        return column >= 0 ? Int(column) : nil
    }
}
