import Foundation

/// Builds a small JSON document as text, for the metadata the object store keeps as JSON.
/// The caller writes members in the order it wants; commas are placed automatically.
struct JSONText {
    private var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    init() { bytes.reserveCapacity(256) }

    /// The document so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Opens an object (as a value).
    mutating func open() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the innermost object.
    mutating func close() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes a member name; the value follows.
    mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string value.
    mutating func string(_ value: String) {
        separate()
        quoted(value)
        needsComma = true
    }

    /// An integer value.
    mutating func integer(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// A boolean value.
    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// A date as `JSONEncoder`'s default strategy writes it: seconds since 2001-01-01.
    mutating func date(_ value: Date) {
        separate()
        // Swift's description is the shortest text that reads back as the same double.
        bytes.append(contentsOf: "\(value.timeIntervalSinceReferenceDate)".utf8)
        needsComma = true
    }

    /// An array, each element written by `element`.
    mutating func array<C: Collection>(_ elements: C, _ element: (inout JSONText, C.Element) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for value in elements { element(&self, value) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An object of string values, keys sorted.
    mutating func map(_ values: [String: String]) {
        open()
        for key in values.keys.sorted() {
            self.key(key)
            string(values[key]!)
        }
        close()
    }

    /// Writes `value` quoted, escaping what RFC 8259 §7 requires: quote, backslash and
    /// control characters. Other characters, including non-ASCII, are written as UTF-8.
    private mutating func quoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
