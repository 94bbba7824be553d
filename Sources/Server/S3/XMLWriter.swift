/// Builds the small XML documents S3 responses consist of, escaping text as XML 1.0 requires.
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

    /// Opens `<name>` (with S3's namespace on root elements when `namespace` is true), runs `body`,
    /// closes it.
    mutating func element(_ name: String, namespace: Bool = false, _ body: (inout XMLWriter) -> Void) {
        text += namespace ? "<\(name) xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" : "<\(name)>"
        body(&self)
        text += "</\(name)>"
    }

    /// `<name>escaped value</name>`.
    mutating func leaf(_ name: String, _ value: String) {
        text += "<\(name)>"
        text += Self.escape(value)
        text += "</\(name)>"
    }

    /// Appends already-escaped markup.
    mutating func appendRaw(_ markup: String) { text += markup }

    /// `<name>value</name>` when `value` is present.
    mutating func leaf(_ name: String, _ value: String?) {
        if let value { leaf(name, value) }
    }

    /// Escapes `&`, `<`, `>`, quotes, and characters XML 1.0 cannot carry literally (control
    /// characters are written as numeric references, which S3 also does for keys).
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" {
                    out += "&#x\(String(scalar.value, radix: 16));"
                } else if scalar == "\r" {
                    out += "&#xd;"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
