import Columnar
import QueryExecution

/// Hive's spelling of partition values in paths (`FileUtils.escapePathName`): characters that
/// would break a path or a `key=value` pair are written `%XX`, and NULL is the default
/// partition `__HIVE_DEFAULT_PARTITION__`. `HivePartitionPath.unescape` reads them back.
enum HivePartitionEscaping {
    /// Characters Hive escapes besides control characters.
    static let escaped: Set<UInt8> = Set("\"#%'*/:=?\\{[]^".utf8).union([0x7F])

    /// `name=value` for one partition column.
    static func component(name: String, value: Value, type: DataType) -> String {
        "\(escape(name))=\(text(value, type))"
    }

    /// The value as Hive writes it in a path.
    static func text(_ value: Value, _ type: DataType) -> String {
        if value.isNull { return HivePartitionPath.nullMarker }
        let plain = ValueFormatting.text(value, type)
        return plain.isEmpty ? HivePartitionPath.nullMarker : escape(plain)
    }

    /// Percent-escapes what Hive escapes.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x20 || escaped.contains($0) }) else { return text }
        var out: [UInt8] = []
        let digits = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if byte < 0x20 || escaped.contains(byte) {
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
