import Catalog
import Codecs
import Columnar
import Parquet
import TarnCore
import TextFormats

/// Record format conversion: JSON records → one Parquet file per object, typed by a table
/// schema, as Firehose's `DataFormatConversionConfiguration` with the OpenX JSON deserializer and
/// the Parquet serializer does (docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html).
/// Parsing is TextFormats' JSON Lines reader; writing is the Parquet module's writer. Records that
/// do not fit the schema are returned for the error output (`format-conversion-failed`).
public enum RecordFormatConverter {
    /// A Columnar schema from Hive-typed columns.
    /// - Throws: `InvalidArgumentException` for an unknown type string.
    public static func schema(_ columns: [SchemaColumn]) throws -> Schema {
        guard !columns.isEmpty else { throw TarnError(.invalidArgumentException, "The conversion schema has no columns.") }
        return Schema(
            try columns.map { column in
                do { return Field(column.name, try HiveType.parse(column.type)) } catch let error as TarnError {
                    throw TarnError(.invalidArgumentException, "Column \(column.name): \(error.message)")
                }
            })
    }

    /// The Parquet codec named by `ParquetSerDe.Compression`.
    static func codec(_ name: String) throws -> CompressionCodec {
        switch name.uppercased() {
        case "SNAPPY", "": return .snappy
        case "GZIP": return .gzip
        case "UNCOMPRESSED": return .uncompressed
        default: throw TarnError(.invalidArgumentException, "ParquetSerDe.Compression \(name) is not supported (SNAPPY, GZIP or UNCOMPRESSED).")
        }
    }

    /// Converts `records[indexes]` to a Parquet file.
    /// - Returns: the file (nil when no record converted) and, per failed record index, the reason.
    public static func convert(
        _ records: [DeliveryRecord], indexes: [Int], schema: Schema, compression: String
    ) throws -> (parquet: [UInt8]?, rejected: [(index: Int, reason: String)]) {
        // One record per line: line breaks are JSON whitespace between tokens, so flattening them
        // keeps each record's meaning and makes line numbers name records.
        var text: [UInt8] = []
        text.reserveCapacity(indexes.reduce(0) { $0 + records[$1].data.count + 1 })
        for index in indexes {
            for byte in records[index].data { text.append(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
            text.append(0x0A)
        }
        var options = JSONOptions()
        options.enforceNotNull = false
        let result = try JSONLinesReader.read(text, schema: schema, options: options)
        let rejected = result.rejected.map { (index: indexes[$0.lineNumber - 1], reason: $0.description) }
        guard result.batch.rowCount > 0 else { return (nil, rejected) }
        var writeOptions = WriteOptions()
        writeOptions.compression = try codec(compression)
        var writer = try ParquetWriter(schema: schema, sink: MemorySink(), options: writeOptions)
        try writer.write(result.batch)
        let (_, sink) = try writer.finish()
        return (sink.bytes, rejected)
    }
}

/// Resolves conversion schemas from Tarn's Glue-style catalog.
public struct CatalogSchemaResolver: DeliverySchemaResolver {
    let store: CatalogStore

    /// Reads tables from `store`.
    public init(store: CatalogStore) { self.store = store }

    /// The table's (non-partition) columns.
    public func columns(database: String, table: String) throws -> [SchemaColumn] {
        guard let definition = try store.table(database: database, name: table) else {
            throw TarnError(.resourceNotFound, "Table \(database).\(table) is not in the catalog.")
        }
        return definition.columns.map { SchemaColumn(name: $0.name, type: $0.type) }
    }
}
