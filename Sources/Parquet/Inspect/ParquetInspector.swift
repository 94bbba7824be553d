import Columnar

/// Human-readable reports for `tarn parquet schema` and `tarn parquet meta`.
public enum ParquetInspector {
    /// The schema in Parquet's message notation, then the Columnar schema Tarn reads it as.
    ///
    /// ```
    /// message schema {
    ///   optional int32 id;
    ///   optional binary name (STRING);
    /// }
    ///
    /// id integer
    /// name varchar
    /// ```
    public static func schemaReport(_ metadata: ParquetMetadata) -> String {
        var lines: [String] = []
        func describe(_ node: SchemaNode, depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            let element = node.element
            var annotation: [String] = []
            if let logical = element.logicalType { annotation.append(logical.description) } else if let converted = element.convertedType {
                annotation.append(converted.description)
            }
            let suffix = annotation.isEmpty ? "" : " (\(annotation.joined(separator: ", ")))"
            let id = element.fieldID.map { " = \($0)" } ?? ""
            if node.isLeaf, let type = element.type {
                // parquet-mr's spelling, which parquet-cli and pyarrow print too.
                let typeName: String
                switch type {
                case .byteArray: typeName = "binary"
                case .fixedLenByteArray: typeName = "fixed_len_byte_array(\(element.typeLength ?? 0))"
                default: typeName = type.description.lowercased()
                }
                lines.append("\(indent)\(node.repetition) \(typeName) \(element.name)\(id)\(suffix);")
            } else {
                lines.append("\(indent)\(node.repetition) group \(element.name)\(id)\(suffix) {")
                for child in node.children { describe(child, depth: depth + 1) }
                lines.append("\(indent)}")
            }
        }
        lines.append("message \(metadata.schema.root.name) {")
        for child in metadata.schema.root.children { describe(child, depth: 1) }
        lines.append("}")
        lines.append("")
        for field in metadata.schema.fields { lines.append(field.description) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// File facts, key/value metadata, and one table per row group with each column chunk's
    /// type, codec, encodings, sizes, value and null counts, and min/max statistics.
    public static func metaReport(_ metadata: ParquetMetadata) -> String {
        let file = metadata.fileMetaData
        var out = "file: \(metadata.name)\n"
        out += "size: \(metadata.fileSize) bytes (footer \(metadata.footerLength) bytes)\n"
        out += "created by: \(file.createdBy ?? "(not set)")\n"
        out += "format version: \(file.version)\n"
        out += "rows: \(metadata.rowCount) in \(metadata.rowGroupCount) row group\(metadata.rowGroupCount == 1 ? "" : "s"), \(metadata.schema.leaves.count) leaf columns\n"
        if !file.keyValueMetadata.isEmpty {
            out += "key/value metadata:\n"
            for pair in file.keyValueMetadata {
                out += "  \(pair.key) = \(clip(pair.value ?? "(no value)", 120))\n"
            }
        }
        for (index, group) in file.rowGroups.enumerated() {
            let compressed = group.totalCompressedSize ?? group.columns.reduce(0) { $0 + ($1.metaData?.totalCompressedSize ?? 0) }
            out += "\nrow group \(index): \(group.numRows) rows, \(compressed) bytes compressed, \(group.totalByteSize) bytes uncompressed\n"
            var table: [[String]] = [["column", "type", "codec", "encodings", "compressed", "uncompressed", "values", "nulls", "min", "max"]]
            for (leafIndex, chunk) in group.columns.enumerated() {
                let leaf = metadata.schema.leaves[leafIndex]
                guard let meta = chunk.metaData else {
                    table.append([leaf.dottedPath, "?", "?", "(no metadata)", "", "", "", "", "", ""])
                    continue
                }
                let stats = metadata.statistics(rowGroup: index, leaf: leafIndex)
                table.append([
                    leaf.dottedPath, leaf.dataType.description, meta.codec.description,
                    meta.encodings.map(\.description).joined(separator: ","), "\(meta.totalCompressedSize)",
                    "\(meta.totalUncompressedSize)", "\(meta.numValues)", stats?.nullCount.map(String.init) ?? "",
                    clip(stats?.min.map(text) ?? "", 32), clip(stats?.max.map(text) ?? "", 32),
                ])
            }
            out += align(table)
        }
        return out
    }

    /// A statistic value as text (dates, timestamps and decimals rendered like `cat` does).
    static func text(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .uint(let u): String(u)
        case .double(let d): String(d)
        case .decimal(let unscaled, let scale): ValueText.decimal(unscaled, scale: scale)
        case .string(let s): s
        case .bytes(let b): "0x" + ValueText.hex(b)
        case .date(let d): ValueText.date(Int64(d))
        case .time(let t, let unit): ValueText.time(t, unit: unit)
        case .timestamp(let t, let unit): ValueText.timestamp(t, unit: unit, utc: false)
        case .list, .structure: "…"
        }
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        let flat = text.replacingNewlines()
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }

    /// Left-aligned columns separated by two spaces, numbers right-aligned.
    static func align(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        var out = ""
        for row in rows {
            var line = "  "
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let numeric = !cell.isEmpty && cell.allSatisfy(\.isNumber) && index >= 4 && index <= 7
                line += numeric ? padding + cell : cell + padding
                if index < row.count - 1 { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
