import Columnar

/// Writes record batches as JSON Lines — one object per row, members in schema order — into a
/// buffer the caller owns: Firehose delivery, `tarn query --format json`, quarantine files.
///
/// ```swift
/// let writer = JSONLinesWriter(schema: batch.schema)
/// var out: [UInt8] = []
/// writer.write(batch, into: &out)
/// ```
/// NULL is `null` (the member is kept). Decimals are bare numbers written exactly (`12.50`);
/// timestamps are ISO 8601 strings (`"2024-01-15T10:15:30.000Z"`, `Z` for UTC instants);
/// dates `"YYYY-MM-DD"`; binary base64 strings; NaN and infinities `null` (JSON has none);
/// structs objects, lists arrays, maps with string keys objects.
public struct JSONLinesWriter: Sendable {
    /// The schema written.
    public let schema: Schema
    private let keys: [[UInt8]]

    /// Creates a writer.
    public init(schema: Schema) {
        self.schema = schema
        keys = schema.fields.map { field in
            var key: [UInt8] = []
            var name = field.name
            name.withUTF8 { ValueFormatting.appendJSONString(UnsafeRawBufferPointer($0), to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
    }

    /// Appends one line per row of `batch`.
    public func write(_ batch: RecordBatch, into output: inout [UInt8]) {
        let formatter = ColumnTextFormatter(style: .json)
        let texts = batch.columns.map { formatter.format($0) }
        output.reserveCapacity(output.count + texts.reduce(0) { $0 + $1.bytes.count } + batch.rowCount * (keys.reduce(0) { $0 + $1.count + 5 } + 3))
        let null = Array("null".utf8)
        for row in 0..<batch.rowCount {
            output.append(UInt8(ascii: "{"))
            for column in texts.indices {
                if column > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: keys[column])
                let text = texts[column]
                if text.isNull[row] {
                    output.append(contentsOf: null)
                } else {
                    text.bytes.withUnsafeBytes { output.append(contentsOf: $0[text.offsets[row]..<text.offsets[row + 1]]) }
                }
            }
            output.append(contentsOf: "}\n".utf8)
        }
    }
}
