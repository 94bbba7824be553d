import TarnCore

/// A parsed XML element: the subset S3 request bodies use (elements, text, entities, CDATA).
struct XMLElement: Sendable, Equatable {
    /// Local name (any namespace prefix removed).
    var name: String
    /// Child elements in order.
    var children: [XMLElement] = []
    /// Concatenated character data directly inside this element.
    var text: String = ""

    /// The first child called `name`.
    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    /// Every child called `name`.
    func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    /// Text of the first child called `name`.
    func value(_ name: String) -> String? { child(name)?.text }
}

/// A small, strict XML parser for S3 request bodies (DeleteObjects, CompleteMultipartUpload,
/// Tagging, CreateBucketConfiguration, lifecycle and the like).
///
/// It rejects DOCTYPE declarations outright, so no entity-expansion or external-entity attack is
/// possible; it understands the five predefined entities and numeric references, CDATA,
/// comments and the XML declaration. Malformed input throws `MalformedXML`, which is what S3
/// answers.
enum XMLDocument {
    /// Parses a whole document and returns its root element.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws -> XMLElement {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        return try parser.document()
    }

    static func malformed(_ why: String) -> TarnError {
        TarnError(.init("MalformedXML"), "The XML you provided was not well-formed or did not validate against our published schema. (\(why))")
    }

    private struct Parser {
        let bytes: [UInt8]
        let maxDepth: Int
        var position = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            // Skip a UTF-8 byte-order mark.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        mutating func document() throws -> XMLElement {
            try skipMisc()
            guard peek() == UInt8(ascii: "<") else { throw malformed("expected a root element") }
            let root = try element(depth: 0)
            try skipMisc()
            guard position == bytes.count else { throw malformed("content after the root element") }
            return root
        }

        func peek(_ offset: Int = 0) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }

        func startsWith(_ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            return position + utf8.count <= bytes.count && bytes[position..<position + utf8.count].elementsEqual(utf8)
        }

        mutating func skip(until terminator: String) throws {
            while position < bytes.count {
                if startsWith(terminator) {
                    position += terminator.utf8.count
                    return
                }
                position += 1
            }
            throw malformed("unterminated '\(terminator)' construct")
        }

        mutating func skipWhitespace() {
            while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        /// Whitespace, comments and processing instructions (including `<?xml …?>`) between elements.
        mutating func skipMisc() throws {
            while true {
                skipWhitespace()
                if startsWith("<?") {
                    try skip(until: "?>")
                } else if startsWith("<!--") {
                    try skip(until: "-->")
                } else if startsWith("<!DOCTYPE") || startsWith("<!doctype") {
                    throw malformed("DOCTYPE is not allowed")
                } else {
                    return
                }
            }
        }

        mutating func name() throws -> String {
            let start = position
            while let byte = peek(), !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")) {
                position += 1
            }
            guard position > start else { throw malformed("expected a name at byte \(start)") }
            let full = String(decoding: bytes[start..<position], as: UTF8.self)
            // Drop a namespace prefix: S3 matches local names.
            if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
            return full
        }

        mutating func element(depth: Int) throws -> XMLElement {
            guard depth < maxDepth else { throw malformed("nesting deeper than \(maxDepth)") }
            position += 1  // "<"
            var element = XMLElement(name: try name())
            // Attributes are parsed for well-formedness and ignored (S3 bodies carry only xmlns).
            while true {
                skipWhitespace()
                guard let byte = peek() else { throw malformed("unterminated start tag <\(element.name)>") }
                if byte == UInt8(ascii: "/") {
                    guard peek(1) == UInt8(ascii: ">") else { throw malformed("expected '/>'") }
                    position += 2
                    return element
                }
                if byte == UInt8(ascii: ">") {
                    position += 1
                    break
                }
                _ = try name()
                skipWhitespace()
                guard peek() == UInt8(ascii: "=") else { throw malformed("attribute without value in <\(element.name)>") }
                position += 1
                skipWhitespace()
                guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw malformed("unquoted attribute") }
                position += 1
                while let next = peek(), next != quote { position += 1 }
                guard peek() == quote else { throw malformed("unterminated attribute") }
                position += 1
            }
            var text: [UInt8] = []
            while true {
                guard let byte = peek() else { throw malformed("missing </\(element.name)>") }
                if byte == UInt8(ascii: "<") {
                    if startsWith("</") {
                        position += 2
                        let closing = try name()
                        skipWhitespace()
                        guard closing == element.name, peek() == UInt8(ascii: ">") else {
                            throw malformed("</\(closing)> does not close <\(element.name)>")
                        }
                        position += 1
                        element.text = String(decoding: text, as: UTF8.self)
                        return element
                    } else if startsWith("<![CDATA[") {
                        position += 9
                        let start = position
                        try skip(until: "]]>")
                        text += bytes[start..<position - 3]
                    } else if startsWith("<!--") {
                        try skip(until: "-->")
                    } else if startsWith("<?") {
                        try skip(until: "?>")
                    } else if startsWith("<!") {
                        throw malformed("declarations are not allowed inside elements")
                    } else {
                        element.children.append(try self.element(depth: depth + 1))
                    }
                } else if byte == UInt8(ascii: "&") {
                    text += Array(try entity().utf8)
                } else {
                    text.append(byte)
                    position += 1
                }
            }
        }

        mutating func entity() throws -> String {
            let start = position
            while let byte = peek(), byte != UInt8(ascii: ";") {
                position += 1
                if position - start > 12 { throw malformed("unterminated entity reference") }
            }
            guard peek() == UInt8(ascii: ";") else { throw malformed("unterminated entity reference") }
            let body = String(decoding: bytes[start + 1..<position], as: UTF8.self)
            position += 1
            switch body {
            case "amp": return "&"
            case "lt": return "<"
            case "gt": return ">"
            case "quot": return "\""
            case "apos": return "'"
            default:
                var value: UInt32?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    value = UInt32(body.dropFirst(2), radix: 16)
                } else if body.hasPrefix("#") {
                    value = UInt32(body.dropFirst())
                }
                guard let value, let scalar = Unicode.Scalar(value) else { throw malformed("unknown entity &\(body);") }
                return String(Character(scalar))
            }
        }
    }
}

private func malformed(_ why: String) -> TarnError { XMLDocument.malformed(why) }
