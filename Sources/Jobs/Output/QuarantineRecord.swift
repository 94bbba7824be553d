import Columnar

/// The JSON Lines form of a rejected row in the quarantine zone:
///
/// ```json
/// {"job":"sales","batch":"…","source":"s3://retail/raw/sales/a.csv","line":12,"column":"quantity",
///  "reason":"'two' is not a valid integer","text":"O000000012,1,S0001,…"}
/// ```
/// `batch` is the run's batch id (it names the run's output files and is the same when a run is
/// retried after a crash, which keeps these files reproducible; the manifest maps it to runs).
/// `text` is the raw row when the reader rejected it (wrong field count, a value that does not
/// convert); `record` holds the standardized values as an object when a rule rejected it.
/// Members are written in this fixed order so the files are byte-for-byte reproducible.
enum QuarantineRecord {
    /// One quarantine line, with its trailing newline.
    static func line(job: String, batch: String, source: String, rejection: Rejection) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + (rejection.text?.utf8.count ?? 0) + (rejection.record?.utf8.count ?? 0))
        out += Array("{\"job\":".utf8)
        appendString(job, to: &out)
        out += Array(",\"batch\":".utf8)
        appendString(batch, to: &out)
        out += Array(",\"source\":".utf8)
        appendString(source, to: &out)
        out += Array(",\"line\":\(rejection.line),\"column\":".utf8)
        if let column = rejection.column { appendString(column, to: &out) } else { out += Array("null".utf8) }
        out += Array(",\"reason\":".utf8)
        appendString(rejection.reason, to: &out)
        if let text = rejection.text {
            out += Array(",\"text\":".utf8)
            appendString(text, to: &out)
        }
        if let record = rejection.record {
            out += Array(",\"record\":".utf8)
            out += Array(record.utf8)
        }
        out += Array("}\n".utf8)
        return out
    }

    /// Row `row` of `batch` as a JSON object (numbers as numbers, everything else as strings).
    static func json(_ batch: RecordBatch, row: Int) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, field) in batch.schema.fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            let column = batch.columns[index]
            guard let text = ValueText.plain(column, row) else {
                out += Array("null".utf8)
                continue
            }
            switch field.type {
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .decimal:
                out += Array(text.utf8)
            case .float32, .float64:
                // JSON has no NaN or infinity: those go as strings.
                if text.contains("n") || text.contains("i") { appendString(text, to: &out) } else { out += Array(text.utf8) }
            case .boolean:
                out += Array(text.utf8)
            default:
                appendString(text, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 8259 §7: quotation mark, reverse solidus and the control characters U+0000–U+001F
    /// must be escaped; everything else may appear as UTF-8.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
